"""Alembic environment: async engines, SQLite batch mode for ALTERs."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import weft.models  # noqa: F401  (registers every table)
from weft.db.database import ensure_sqlite_folder
from weft.models.base import Base

target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Weft migrations run online only: use `weft migrate`.")
asyncio.run(_run())
