"""INSERT ... ON CONFLICT DO NOTHING on both databases.

For rows that must exist once (a like, a follow, a notification): concurrent
or repeated calls make one row, and the caller learns whether it made it,
without a read-then-write race.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from weft.models.base import Base


async def insert_ignore(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert one row unless it would break a unique constraint; True if inserted."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    result = await session.execute(insert(model).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)  # type: ignore[attr-defined]
