"""Fixtures shared by the whole suite.

``backend`` runs a test once per database (SQLite always; PostgreSQL where it
answers). Each backend gets one migrated database per test session, emptied
after every test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete

from tests.backends import create_postgres_database, drop_postgres_database, require_postgres
from tests.live import LiveServer
from weft.config import Settings
from weft.db import migrate
from weft.db.database import Database
from weft.federation.lookup import FederationLookup
from weft.models import Base
from weft.remote_lookup import install_remote_lookup, remote_lookup

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def federation_wired() -> Iterator[None]:
    """The domain's look-ups of other servers answered by the federation, as
    ``weft serve`` and ``weft worker`` wire them, whether or not a test builds
    an app (weft/remote_lookup.py; tests/test_remote_lookup.py runs without)."""
    before = remote_lookup()
    install_remote_lookup(FederationLookup())
    yield
    install_remote_lookup(before)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
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


@pytest.fixture(scope="session")
def live_servers() -> Iterator[dict[str, LiveServer]]:
    """One running server per backend, started on first use."""
    servers: dict[str, LiveServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def server(
    database_url: str, live_servers: dict[str, LiveServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A Weft server over real loopback HTTP on this test's backend; emptied after the test.

    Rate limits are off here (tests/api/test_rate_limits.py starts its own
    server with them on); jobs are left in the queue for the test to run.
    """
    if database_url not in live_servers:
        settings = Settings(
            data_dir=tmp_path_factory.mktemp("server"),
            database_url=database_url,
            secret_key="test-secret-key",
            embedded_workers=0,
            rate_limits=False,
        )
        live_servers[database_url] = LiveServer(settings).start()
    yield live_servers[database_url]
    empty_database(database_url)


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http
