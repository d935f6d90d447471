"""The home timeline's cache of verified tokens (weft/api/token_cache.py).

A verdict is remembered for a few seconds, so these check that every change
that turns it is seen at once in the process, whatever path wrote it, and
that ordinary writes (posting, which bumps account counters) leave it alone.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from tests.api.helpers import bearer, sign_up
from tests.factories import Person
from tests.live import LiveServer
from weft.actions.oauth import revoke_authorizations
from weft.api.auth import token_cache
from weft.api.token_cache import TokenCache, Viewer
from weft.db.database import Database
from weft.models import Account, OAuthAccessToken, User
from weft.models.base import utcnow

pytestmark = pytest.mark.performance

HOME = "/api/v1/timelines/home"


def cache_of(server: LiveServer) -> TokenCache:
    return token_cache(server.app.state.runtime)


def cached(server: LiveServer, client: httpx.Client, person: Person) -> None:
    """Read home once, so the person's verdict is in the cache."""
    assert client.get(HOME, headers=person.auth).status_code == 200
    assert any(v.account_id == person.account_id for v in _viewers(cache_of(server)))


def _viewers(cache: TokenCache) -> list[Viewer]:
    return [viewer for viewer, _ in cache._entries.values()]


def test_revoke_over_http_is_seen_at_once(client: httpx.Client, server: LiveServer) -> None:
    dora = sign_up(client, "dora")
    headers = bearer(dora.token)
    assert client.get(HOME, headers=headers).status_code == 200
    revoked = client.post(
        "/oauth/revoke",
        data={
            "client_id": dora.app.client_id,
            "client_secret": dora.app.client_secret,
            "token": dora.token,
        },
    )
    assert revoked.status_code == 200
    assert client.get(HOME, headers=headers).status_code == 401


async def test_revoke_by_an_action_is_seen_at_once(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    cached(server, client, alice)
    async with db.read() as session:
        token = await session.scalar(
            select(OAuthAccessToken).where(OAuthAccessToken.user_id == alice.user_id)
        )
    assert token is not None
    assert token.application_id is not None
    assert await revoke_authorizations(db, alice.user_id, token.application_id) == 1
    response = client.get(HOME, headers=alice.auth)
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


async def test_a_token_changed_through_the_orm_is_seen_at_once(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    cached(server, client, alice)
    async with db.write() as session:
        token = await session.scalar(
            select(OAuthAccessToken).where(OAuthAccessToken.user_id == alice.user_id)
        )
        assert token is not None
        token.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get(HOME, headers=alice.auth).status_code == 401


async def test_a_disabled_person_is_refused_at_once(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    cached(server, client, alice)
    async with db.write() as session:
        user = await session.get(User, alice.user_id)
        assert user is not None
        user.disabled = True
    assert client.get(HOME, headers=alice.auth).status_code == 401


async def test_a_suspended_account_is_refused_at_once(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    cached(server, client, alice)
    async with db.write() as session:
        await session.execute(
            update(Account).where(Account.id == alice.account_id).values(suspended_at=utcnow())
        )
    assert client.get(HOME, headers=alice.auth).status_code == 403


async def test_posting_keeps_the_verdicts(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    cached(server, client, alice)
    generation = cache_of(server).generation
    posted = client.post("/api/v1/statuses", data={"status": "counters"}, headers=alice.auth)
    assert posted.status_code == 200
    assert client.get(HOME, headers=alice.auth).status_code == 200
    assert cache_of(server).generation == generation


async def test_a_rolled_back_change_keeps_the_verdicts(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    cached(server, client, alice)
    with pytest.raises(RuntimeError, match="roll back"):
        await _disable_then_fail(db, alice.user_id)
    assert client.get(HOME, headers=alice.auth).status_code == 200


async def _disable_then_fail(db: Database, user_id: int) -> None:
    async with db.write() as session:
        user = await session.get(User, user_id)
        assert user is not None
        user.disabled = True
        await session.flush()
        raise RuntimeError("roll back")


async def test_scopes_are_checked_on_cached_verdicts(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    cached(server, client, alice)
    cache = cache_of(server)
    for hashed, (viewer, deadline) in list(cache._entries.items()):
        if viewer.account_id == alice.account_id:
            narrowed = Viewer(viewer.token_id, viewer.account_id, viewer.user_id, frozenset())
            cache._entries[hashed] = (narrowed, deadline)
    response = client.get(HOME, headers=alice.auth)
    assert response.status_code == 403


def test_a_store_after_a_clear_is_refused() -> None:
    cache = TokenCache()
    viewer = Viewer(1, 2, 3, frozenset({"read"}))
    generation = cache.generation
    cache.clear()  # a revocation committed while the verdict was being read
    cache.put("h", viewer, generation, None)
    assert cache.get("h") is None
    cache.put("h", viewer, cache.generation, None)
    assert cache.get("h") == viewer


def test_a_verdict_lasts_no_longer_than_its_token() -> None:
    cache = TokenCache()
    viewer = Viewer(1, 2, 3, frozenset({"read"}))
    cache.put("h", viewer, cache.generation, utcnow() - timedelta(seconds=1))
    assert cache.get("h") is None
    expired = TokenCache(ttl=0)
    expired.put("h", viewer, expired.generation, None)
    assert expired.get("h") is None
