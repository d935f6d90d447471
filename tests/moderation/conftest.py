"""The moderation tests' people live on the live server (``server``), reached over HTTP;
``mod`` is a moderator and ``boss`` an admin, each with a token for the admin API."""

from __future__ import annotations

import pytest

# The browser test's fixtures (a Chromium, its contexts, screenshots).
from tests.browser.conftest import browser, new_context, screenshots  # noqa: F401
from tests.factories import PASSWORD, Person

# Two ``weft serve`` processes (test_two_servers.py).
from tests.federation.test_two_servers import servers  # noqa: F401
from tests.live import LiveServer
from weft.actions.accounts import SignUp, register_account
from weft.actions.oauth import create_application, issue_token
from weft.config import Settings
from weft.db.database import Database

STAFF_SCOPES = "read write admin:read admin:write"


@pytest.fixture
def people_settings(server: LiveServer) -> Settings:
    return server.settings


async def make_staff(db: Database, settings: Settings, name: str, role: str) -> Person:
    user = await register_account(
        db,
        settings,
        SignUp(
            username=name,
            email=f"{name}@example.com",
            password=PASSWORD,
            role=role,
            by_admin=True,
        ),
    )
    app, _ = await create_application(
        db, name="moderation", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=STAFF_SCOPES
    )
    token = (await issue_token(db, app, user.id, STAFF_SCOPES.split())).access_token
    return Person(name, user.account_id, user.id, token)


@pytest.fixture
async def mod(db: Database, server: LiveServer) -> Person:
    return await make_staff(db, server.settings, "moderator_meg", "moderator")


@pytest.fixture
async def boss(db: Database, server: LiveServer) -> Person:
    return await make_staff(db, server.settings, "boss", "admin")
