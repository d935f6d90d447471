"""Hot-path reads of a SQLite file, run in the event loop (``Database.rows``).

An indexed read of a memory-mapped SQLite file takes tens of microseconds:
less than handing it to aiosqlite's thread and back, and less than
SQLAlchemy's own work per execution (a pool checkout, parameter and result
objects), which measured 0.13 ms per statement on the home timeline against
0.16 ms of SQLite work (docs/decisions/0020-entity-cache.md).

So each hot statement is compiled by SQLAlchemy once (weft/db/prepared.py)
and then runs straight on one pysqlite connection in autocommit, where a
statement is its own consistent snapshot. Statements SQLAlchemy must run
itself (expanding ``IN`` parameters) take its usual path on the same engine.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, Executable, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import PoolProxiedConnection

from weft.db.prepared import PreparedStatements

# The event loop waits at most this long for a read that SQLite makes wait
# (rare in WAL mode: a checkpoint resetting the log) before using the pool.
BUSY_TIMEOUT_MS = 50


class Busy(Exception):
    """The read could not run in the loop now; run it through the pool."""


class InlineReader:
    """Read-only statements on a synchronous pysqlite connection, for the
    event loop's thread (another thread asking at the same time is told to
    use the pool)."""

    def __init__(self, url: str, pragmas: Callable[[Any, int], None]) -> None:
        self.engine = _engine(url, pragmas)
        self._connection: PoolProxiedConnection | None = None
        self._prepared = PreparedStatements(self.engine.dialect)
        self._lock = threading.Lock()

    def rows(self, statement: Executable, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """The statement's rows; ``Busy`` when it cannot run in the loop now."""
        prepared = self._prepared.get(statement)
        if not self._lock.acquire(blocking=False):
            raise Busy
        try:
            if prepared is None:
                with self.engine.connect() as connection:
                    return connection.execute(statement, dict(params)).all()
            cursor = self._raw().execute(prepared.sql, prepared.arguments(params))
            try:
                found = cursor.fetchall()
            finally:
                cursor.close()
        except (sqlite3.OperationalError, OperationalError) as error:
            raise Busy from error
        finally:
            self._lock.release()
        return prepared.convert(found)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
        self.engine.dispose()

    def _raw(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = self.engine.raw_connection()
        connection = self._connection.driver_connection
        assert isinstance(connection, sqlite3.Connection)
        return connection


def _engine(url: str, pragmas: Callable[[Any, int], None]) -> Engine:
    """Synchronous read connections (pysqlite) in autocommit: each statement
    is its own read transaction, with no BEGIN or ROLLBACK around it."""
    engine = create_engine(
        make_url(url).set(drivername="sqlite+pysqlite"),
        isolation_level="AUTOCOMMIT",
        connect_args={"check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        pragmas(dbapi_connection, BUSY_TIMEOUT_MS)
        dbapi_connection.execute("PRAGMA query_only=ON")

    return engine
