"""Hot-path reads of a SQLite file, run in the event loop (``Database.rows``).

An indexed read of a memory-mapped SQLite file takes tens of microseconds:
less than handing it to aiosqlite's thread and back, and less than
SQLAlchemy's own work per execution (a pool checkout, parameter and result
objects), which measured 0.13 ms per statement on the home timeline against
0.16 ms of SQLite work (docs/decisions/0020-entity-cache.md).

So each hot statement is compiled by SQLAlchemy once: its SQL, the order of
its parameters, and the type conversions of its parameters and columns (a
datetime to SQLite's text and back, 0/1 to booleans). It then runs straight
on one pysqlite connection in autocommit, where a statement is its own
consistent snapshot. Statements must be built once (module constants), as
they are kept by identity; those with expanding ``IN`` parameters take
SQLAlchemy's usual path on the same engine.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Executable, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Select

# The event loop waits at most this long for a read that SQLite makes wait
# (rare in WAL mode: a checkpoint resetting the log) before using the pool.
BUSY_TIMEOUT_MS = 50
# More distinct statements than this means a caller builds them per call:
# those run through SQLAlchemy rather than growing the cache.
MAX_PREPARED = 64

Processor = Callable[[Any], Any] | None


class Busy(Exception):
    """The read could not run in the loop now; run it through the pool."""


@dataclass(frozen=True, slots=True)
class _Prepared:
    statement: Executable  # held, so that its id is not reused
    sql: str
    names: tuple[str, ...]  # parameter names, in the order of the placeholders
    defaults: Mapping[str, Any]  # values of the statement's own literals (LIMIT's OFFSET 0)
    required: frozenset[str]
    binds: tuple[Processor, ...]  # per placeholder
    results: tuple[Processor, ...]  # per column

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        missing = self.required - params.keys()
        if missing:
            raise KeyError(f"a value is required for {', '.join(sorted(missing))}")
        values = []
        for name, convert in zip(self.names, self.binds, strict=True):
            value = params[name] if name in params else self.defaults[name]
            values.append(convert(value) if convert is not None and value is not None else value)
        return values

    def convert(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        converters = [(n, c) for n, c in enumerate(self.results) if c is not None]
        if not converters:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for n, convert in converters:
                values[n] = convert(values[n])
            converted.append(tuple(values))
        return converted


class InlineReader:
    """Read-only statements on a synchronous pysqlite connection, for the
    event loop's thread (another thread asking at the same time is told to
    use the pool)."""

    def __init__(self, url: str, pragmas: Callable[[Any, int], None]) -> None:
        self.engine = _engine(url, pragmas)
        self._connection: PoolProxiedConnection | None = None
        self._prepared: dict[int, _Prepared | None] = {}
        self._lock = threading.Lock()

    def rows(self, statement: Executable, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """The statement's rows; ``Busy`` when it cannot run in the loop now."""
        prepared = self._prepare(statement)
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

    def _prepare(self, statement: Executable) -> _Prepared | None:
        key = id(statement)
        if key in self._prepared:
            prepared = self._prepared[key]
            if prepared is None or prepared.statement is statement:
                return prepared
        if len(self._prepared) >= MAX_PREPARED:
            return None
        prepared = _compile(statement, self.engine)
        self._prepared[key] = prepared
        return prepared


def _compile(statement: Executable, engine: Engine) -> _Prepared | None:
    if not isinstance(statement, Select):
        return None
    dialect = engine.dialect
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    binds = compiled.binds
    if any(bind.expanding for bind in binds.values()) or compiled.positiontup is None:
        return None
    names = tuple(compiled.positiontup)
    defaults = {name: bind.effective_value for name, bind in binds.items() if not bind.required}
    required = frozenset(name for name, bind in binds.items() if bind.required)
    return _Prepared(
        statement=statement,
        sql=str(compiled),
        names=names,
        defaults=defaults,
        required=required,
        binds=tuple(binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names),
        results=tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        ),
    )


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
