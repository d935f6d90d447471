"""Hot statements compiled by SQLAlchemy once, then run on the driver itself
(``Database.rows``; weft/db/inline.py for SQLite, weft/db/hot_reads.py for
PostgreSQL).

SQLAlchemy's work per execution (a pool checkout, parameter and result
objects, on PostgreSQL a greenlet switch per call into the driver) costs as
much as an indexed read itself (docs/decisions/0020-entity-cache.md). Its
compiler still does everything only it does well: each statement's SQL for
the dialect (with PostgreSQL's casts), the order of its parameters, and the
type conversions of its parameters and columns. This keeps that, per
statement, and leaves the execution to the caller.

Statements are kept by identity, so they must be built once (module
constants). Those with expanding ``IN`` parameters, and any past
``MAX_PREPARED`` (a caller building statements per call), are not kept: the
caller runs them through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Select

MAX_PREPARED = 64

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Prepared:
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

    def convert(self, rows: Sequence[Any]) -> Sequence[Sequence[Any]]:
        """The rows with their columns converted (asyncpg's records, like tuples,
        index and unpack)."""
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


class PreparedStatements:
    """Each hot statement's ``Prepared`` for one dialect, by identity; None
    for a statement that must take SQLAlchemy's usual path."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._prepared: dict[int, Prepared | None] = {}

    def get(self, statement: Executable) -> Prepared | None:
        key = id(statement)
        if key in self._prepared:
            prepared = self._prepared[key]
            if prepared is None or prepared.statement is statement:
                return prepared
        if len(self._prepared) >= MAX_PREPARED:
            return None
        prepared = _compile(statement, self.dialect)
        self._prepared[key] = prepared
        return prepared


def _compile(statement: Executable, dialect: Dialect) -> Prepared | None:
    if not isinstance(statement, Select):
        return None
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    binds = compiled.binds
    if any(bind.expanding for bind in binds.values()) or compiled.positiontup is None:
        return None
    names = tuple(compiled.positiontup)
    defaults = {name: bind.effective_value for name, bind in binds.items() if not bind.required}
    required = frozenset(name for name, bind in binds.items() if bind.required)
    return Prepared(
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
