"""Engines and sessions for SQLite (embedded) and PostgreSQL (scaled).

SQLite allows one writer at a time. Rather than let concurrent writers meet
"database is locked", every write in a process goes through one connection
(a pool of one) that opens its transactions with ``BEGIN IMMEDIATE``; readers
use their own pool and, in WAL mode, never wait for the writer. Other processes
on the same file (``weft worker``) queue on the busy timeout.

PostgreSQL takes concurrent writers, so reads and writes share one pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from weft.db.by_id import ByIdReader, RowsById, Together, in_slots
from weft.db.hot_reads import PostgresReader
from weft.db.inline import Busy, InlineReader
from weft.db.versioned import INFO_KEY as VERSIONED_INFO_KEY
from weft.db.versioned import VersionedCache

SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL connections of ``Database.rows``, beside ``pool_size`` for sessions:
# more only meant more backends sharing the CPU with the server (measured).
HOT_READ_CONNECTIONS = 6
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
SQLITE_CACHE_KIB = 16 * 1024
AFTER_COMMIT = "weft.after_commit"


class Database:
    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # Core statements on hot read paths (``rows``): on a SQLite file, a
        # synchronous connection run in the event loop (weft/db/inline.py).
        self._inline: InlineReader | None = None
        self._postgres: PostgresReader | None = None
        # Rows by id (``rows_by_id``): in slots on SQLite, together on PostgreSQL.
        self._by_id: ByIdReader = in_slots if self.is_sqlite else Together()
        if self.is_sqlite:
            ensure_sqlite_folder(url)
            self.write_engine = _sqlite_engine(url, immediate=True, pool_size=1)
            self.read_engine = _sqlite_engine(url, immediate=False, pool_size=pool_size)
            if make_url(url).database not in (None, "", ":memory:"):
                self._inline = InlineReader(url, _sqlite_pragmas)
        else:
            engine = create_async_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
            self.write_engine = self.read_engine = engine
            # Hot reads (``rows``): asyncpg's own pool (weft/db/hot_reads.py).
            self._postgres = PostgresReader(url, engine.dialect, connections=HOT_READ_CONNECTIONS)
        # Entities rendered from rows read in read sessions, by row version
        # (weft/db/versioned.py). Write sessions get none: what they hold may
        # yet roll back.
        self.versioned = VersionedCache()
        self._writes = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._reads = async_sessionmaker(
            self.read_engine, expire_on_commit=False, info={VERSIONED_INFO_KEY: self.versioned}
        )
        # One writer per process on SQLite; fair, FIFO, and cheaper than the pool's wait.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading. Closing it rolls back anything it wrote, and
        leaves the loaded objects usable (detached, not expired)."""
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back on error.

        Callbacks registered with :func:`after_commit` run once it has committed.
        """
        if self._write_lock is None:
            async with self._writes() as session:
                async with session.begin():
                    yield session
                await _run_after_commit(session)
            return
        async with self._write_lock, self._writes() as session:
            async with session.begin():
                yield session
            await _run_after_commit(session)

    async def rows(self, statement: Executable, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        """The rows of one read-only Core statement (no ORM, no session), for
        the hottest read paths.

        On a SQLite file the statement runs in the event loop on a synchronous
        connection (weft/db/inline.py): ``statement`` must be built once, not
        per call. Its busy timeout is short; if it expires, the read goes
        through the usual pool instead. On PostgreSQL it is one round trip on
        a connection of asyncpg's own pool, in autocommit (weft/db/hot_reads.py).
        """
        if self._inline is not None:
            try:
                return self._inline.rows(statement, params)
            except Busy:
                pass
        if self._postgres is not None:
            found = await self._postgres.rows(statement, params)
            if found is not None:
                return found
        async with self.read_engine.connect() as connection:
            return (await connection.execute(statement, params)).all()

    async def rows_by_id(self, read: RowsById, key: int, ids: Iterable[int]) -> list[Sequence[Any]]:
        """The rows of ``read`` for ``key`` and the ``ids`` that have one, in
        no particular order (weft/db/by_id.py); through ``rows``."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        return await self._by_id(self.rows, read, key, wanted)

    async def dispose(self) -> None:
        if self._inline is not None:
            self._inline.close()
        if self._postgres is not None:
            await self._postgres.close()
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


def after_commit(session: AsyncSession, callback: Callable[[], Any]) -> None:
    """Run ``callback`` (sync, or returning an awaitable) once ``session`` commits.

    For live events and worker wake-ups: what must not be lost goes in the
    transaction itself (a job row), never here.
    """
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


async def _run_after_commit(session: AsyncSession) -> None:
    callbacks = session.info.pop(AFTER_COMMIT, [])
    for callback in callbacks:
        result = callback()
        if asyncio.iscoroutine(result):
            await result


def ensure_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads from memory-mapped pages and a larger page cache (per connection):
    # fewer read() calls and copies on the hot read paths.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _sqlite_engine(url: str, *, immediate: bool, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        _sqlite_pragmas(dbapi_connection, SQLITE_BUSY_TIMEOUT_MS)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine
