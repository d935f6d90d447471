"""Fixtures shared by the whole suite.

``backend`` runs a test once per database (SQLite always; PostgreSQL where it
answers). Each backend gets one migrated database per test session, emptied
after every test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from tests.backends import create_postgres_database, drop_postgres_database, require_postgres
from weft.config import Settings
from weft.db import migrate
from weft.db.database import Database
from weft.models import Base

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for the test session, on each backend."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "weft.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        migrate.upgrade(url)
        yield url
        return
    require_postgres()
    url = create_postgres_database()
    try:
        migrate.upgrade(url)
        yield url
    finally:
        drop_postgres_database(url)


async def empty_tables(db: Database) -> None:
    async with db.write() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))


def empty_database(url: str) -> None:
    async def run() -> None:
        db = Database(url)
        try:
            await empty_tables(db)
        finally:
            await db.dispose()

    asyncio.run(run())


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        base_url="http://weft.test",
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret-key",
        embedded_workers=0,
        rate_limits=False,
    )


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The backend's database, emptied after the test."""
    database = Database(database_url)
    try:
        yield database
    finally:
        await empty_tables(database)
        await database.dispose()
