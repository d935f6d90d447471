"""INSERT ... ON CONFLICT DO NOTHING on both databases.

For rows that must exist once (a like, a follow, a notification): concurrent
or repeated calls make one row, and the caller learns whether it made it,
without a read-then-write race.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import Insert, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from weft.models.base import Base

M = TypeVar("M", bound=Base)


async def insert_ignore(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert one row unless it would break a unique constraint; True if inserted."""
    statement = _insert_ignoring(model, session.get_bind().dialect.name)
    result = await session.execute(statement, values)
    return bool(result.rowcount)  # type: ignore[attr-defined]


@cache
def _insert_ignoring(model: type[Base], dialect: str) -> Insert:
    """The table's INSERT ... ON CONFLICT DO NOTHING, built once: the values go
    as parameters, so the compiled statement is cached and no value is coerced
    into the statement (which costs more than the insert itself on SQLite)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(cast(Table, model.__table__)).on_conflict_do_nothing()


async def insert_ignore_returning(
    session: AsyncSession, model: type[M], values: dict[str, Any]
) -> M | None:
    """:func:`insert_ignore` that answers the new row, loaded into ``session``
    by the INSERT itself (RETURNING), or None when the row already existed."""
    statement = _insert_ignoring_orm(model, session.get_bind().dialect.name)
    return (await session.scalars(statement, [values])).first()


@cache
def _insert_ignoring_orm(model: type[Base], dialect: str) -> Any:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(model).on_conflict_do_nothing().returning(model)
