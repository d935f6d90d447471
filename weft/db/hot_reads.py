"""Hot-path reads of PostgreSQL (``Database.rows``), on asyncpg's own pool.

Each statement is compiled by SQLAlchemy once (weft/db/prepared.py) and runs
with ``fetch`` on a connection of an asyncpg pool kept for these reads: one
round trip, in autocommit (a single statement is its own snapshot), on a
statement asyncpg prepared once per connection. Through SQLAlchemy the same
read cost 70 % more CPU (a checkout, a greenlet switch per call into the
driver, parameter and row objects), and its pool, once past ``pool_size``,
closed each extra connection it handed back, so that under 32 clients it
kept connecting and preparing again (docs/decisions/0020-entity-cache.md).

When the server ends a connection (a restart, ``pg_terminate_backend``),
every connection of the pool is replaced as it is next handed out, and the
read is tried once more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
from sqlalchemy import Dialect, Executable
from sqlalchemy.engine import make_url

from weft.db.prepared import PreparedStatements

# PostgreSQL's application_name of these connections.
HOT_READS = "weft-hot-reads"
# Options SQLAlchemy's asyncpg dialect gives its own adapter, not asyncpg.
_ADAPTER_OPTIONS = ("prepared_statement_cache_size", "prepared_statement_name_func")
# How asyncpg reports a connection the server ended, depending on when the
# news arrives: before the read, during it, or (InternalClientError) while the
# connection was idle, leaving its protocol in a state it cannot leave.
_CONNECTION_LOST = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    ConnectionError,
)


class PostgresReader:
    def __init__(self, url: str, dialect: Dialect, *, connections: int) -> None:
        _, options = dialect.create_connect_args(make_url(url))
        for name in _ADAPTER_OPTIONS:
            options.pop(name, None)
        options["server_settings"] = {"application_name": HOT_READS}
        self._options = options
        self._connections = connections
        self._prepared = PreparedStatements(dialect)
        self._pool: asyncpg.Pool | None = None
        self._opening: asyncio.Task[asyncpg.Pool] | None = None
        # Reads take turns, first come first served, before asking the pool:
        # its own wait lets a newcomer take a freed connection ahead of those
        # already waiting, which sent them to the back (p99 102 ms, against
        # 61 ms with turns, at 32 clients).
        self._turns = asyncio.Semaphore(connections)

    async def rows(
        self, statement: Executable, params: Mapping[str, Any]
    ) -> Sequence[Sequence[Any]] | None:
        """The statement's rows; None for a statement SQLAlchemy must run itself."""
        prepared = self._prepared.get(statement)
        if prepared is None:
            return None
        arguments = prepared.arguments(params)
        pool = self._pool or await self._open()
        async with self._turns:
            try:
                found = await pool.fetch(prepared.sql, *arguments)
            except _CONNECTION_LOST:
                # The server ended it, and likely the others too (a restart):
                # all are replaced as they are next handed out.
                await pool.expire_connections()
                found = await pool.fetch(prepared.sql, *arguments)
        return prepared.convert(found)

    async def close(self) -> None:
        pool, self._pool, self._opening = self._pool, None, None
        if pool is not None:
            await pool.close()

    async def _open(self) -> asyncpg.Pool:
        if self._opening is None:
            self._opening = asyncio.ensure_future(
                asyncpg.create_pool(
                    min_size=1,
                    max_size=self._connections,
                    reset=_nothing_to_reset,
                    **self._options,
                )
            )
        try:
            self._pool = await asyncio.shield(self._opening)
        except BaseException:
            if self._opening.done():
                self._opening = None  # the next read tries again
            raise
        return self._pool


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """These connections only ever run single read statements in autocommit:
    no session state to undo. (asyncpg's default reset is a round trip of
    RESET ALL, UNLISTEN and more on every release; asyncpg itself still rolls
    back a transaction left open.)"""
