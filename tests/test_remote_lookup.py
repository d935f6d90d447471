"""The domain's look-ups of other servers go through weft/remote_lookup.py:
answered by the federation once the app is built, by nobody before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.factories import make_person
from tests.federation.remote_server import RemoteServer
from weft.actions.posts.post import Draft, post_status
from weft.app import create_app
from weft.config import Settings
from weft.db.database import Database
from weft.federation.lookup import FederationLookup
from weft.models import Account
from weft.remote_lookup import NoRemoteLookup, install_remote_lookup, remote_lookup


@pytest.fixture
def without_federation() -> Iterator[None]:
    before = remote_lookup()
    install_remote_lookup(NoRemoteLookup())
    yield
    install_remote_lookup(before)


@pytest.fixture
def remote() -> Iterator[RemoteServer]:
    server = RemoteServer().start()
    yield server
    server.stop()


async def post_mentioning_carol(db: Database, settings: Settings, remote: RemoteServer) -> str:
    remote.actor("carol")
    alice = await make_person(db, settings, "alice")
    status = await post_status(db, settings, alice.account_id, Draft(f"Hi @carol@{remote.domain}"))
    return status.content


async def test_without_federation_nobody_is_looked_up(
    db: Database, settings: Settings, remote: RemoteServer, without_federation: None
) -> None:
    settings = settings.with_(allow_private_network=True)
    content = await post_mentioning_carol(db, settings, remote)
    assert "</a>" not in content
    assert remote.requests == []
    async with db.read() as session:
        assert await session.scalar(select(Account).where(Account.username == "carol")) is None


async def test_with_federation_a_mentioned_stranger_is_found(
    db: Database, settings: Settings, remote: RemoteServer, without_federation: None
) -> None:
    install_remote_lookup(FederationLookup())
    settings = settings.with_(allow_private_network=True)
    content = await post_mentioning_carol(db, settings, remote)
    assert f'href="{remote.url}/@carol"' in content


def test_building_the_app_wires_the_federation(
    settings: Settings, without_federation: None
) -> None:
    create_app(settings)
    assert isinstance(remote_lookup(), FederationLookup)
