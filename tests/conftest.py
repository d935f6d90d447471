"""Fixtures shared by the whole suite.

``database_url`` runs a test once per database (SQLite always; PostgreSQL where
it answers). Each backend gets one migrated database per test session, emptied
after every test.

The people: ``alice`` and ``bob`` have open accounts, ``carol`` keeps hers
locked (follows need her approval). Each is a confirmed local person with a
token holding every user scope (``person.auth`` is its header). They are made
with ``people_settings``: the test's own settings here, the live server's in
tests/api and tests/federation, so that their URIs name the server the test
talks to.

The slow layers carry markers (registered in pyproject.toml) so that they can
be run apart: whole directories get theirs here (``LAYER_DIRECTORIES``), single
modules and tests carry their own (``pytestmark``, ``@pytest.mark.performance``).
``make test-fast`` leaves them all out.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import make_url

from tests.backends import (
    create_postgres_database,
    drop_postgres_database,
    postgres_script,
    require_postgres,
)
from tests.factories import Person, make_person
from tests.live import LiveServer
from weft.config import Settings
from weft.db import migrate
from weft.db.database import Database
from weft.federation.lookup import FederationLookup
from weft.models import Base
from weft.remote_lookup import install_remote_lookup, remote_lookup
from weft.security import use_password_hasher

# Every database backend by default; WEFT_TEST_BACKENDS=sqlite narrows a quick local run
# (never set in CI, where a backend that does not answer fails its tests).
BACKENDS = [
    name.strip()
    for name in os.environ.get("WEFT_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if name.strip() in ("sqlite", "postgresql")
]
TESTS = Path(__file__).parent
# The slow layers with a directory of their own: every test there gets the marker.
LAYER_DIRECTORIES = {TESTS / "browser": "browser", TESTS / "acceptance": "acceptance"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for directory, marker in LAYER_DIRECTORIES.items():
            if item.path.is_relative_to(directory):
                item.add_marker(marker)


@pytest.fixture(scope="session", autouse=True)
def federation_wired() -> Iterator[None]:
    """The domain's look-ups of other servers answered by the federation, as
    ``weft serve`` and ``weft worker`` wire them, whether or not a test builds
    an app (weft/remote_lookup.py; tests/test_remote_lookup.py runs without)."""
    before = remote_lookup()
    install_remote_lookup(FederationLookup())
    yield
    install_remote_lookup(before)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id at its cheapest for the servers and actions in this process.

    At Weft's own cost each person a test makes (and each sign-in) takes a few
    hundred milliseconds of CPU, most of the fast layer's time. Hashing and
    verifying still run for real; ``weft serve`` processes (acceptance tests,
    tests/test_cli.py) keep the real cost.
    """
    before = use_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    yield
    use_password_hasher(before)


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


def empty_database(url: str) -> None:
    """Deletes every row, children first, in one transaction and one round trip
    (a fresh engine and a statement per table cost more than most tests)."""
    statements = "".join(
        f'DELETE FROM "{table.name}";' for table in reversed(Base.metadata.sorted_tables)
    )
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(make_url(url).database or "", timeout=30)) as conn:
            conn.executescript(f"BEGIN IMMEDIATE;{statements}COMMIT;")
        return
    asyncio.run(postgres_script(url, statements))


@pytest.fixture
def emptied(database_url: str) -> Iterator[str]:
    """The backend's database, emptied once after the test, whichever fixtures used it."""
    yield database_url
    empty_database(database_url)


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
async def db(emptied: str) -> AsyncIterator[Database]:
    """The backend's database, emptied after the test."""
    database = Database(emptied)
    try:
        yield database
    finally:
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
    database_url: str,
    emptied: str,
    live_servers: dict[str, LiveServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> LiveServer:
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
    return live_servers[database_url]


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


@pytest.fixture
def people_settings(settings: Settings) -> Settings:
    """The settings the people fixtures are made with (overridden per layer)."""
    return settings


@pytest.fixture
async def alice(db: Database, people_settings: Settings) -> Person:
    return await make_person(db, people_settings, "alice")


@pytest.fixture
async def bob(db: Database, people_settings: Settings) -> Person:
    return await make_person(db, people_settings, "bob")


@pytest.fixture
async def carol(db: Database, people_settings: Settings) -> Person:
    """Carol's account is locked: follows need her approval."""
    return await make_person(db, people_settings, "carol", locked=True)
