"""What a post's ids answer to whom: the Note, its ``Create`` or ``Announce``,
its ``likes`` and ``shares``, to unsigned GETs and to GETs signed by actors of
a real remote server on 127.0.0.1 (a follower, someone mentioned, a stranger),
as the policies decide (weft/federation/post_routes.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import Person
from tests.federation.inbox_helpers import run_jobs
from tests.federation.remote_server import RemoteActor, RemoteServer, key_pair
from tests.federation.test_inbox import deliver, payload
from tests.live import LiveServer
from weft.actions.interactions import favourite, reblog
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.federation.signatures import sign_request

AS = {"Accept": "application/activity+json"}
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    """Bob lives on ``fed``, which may fetch the remote actors' keys on 127.0.0.1."""
    return fed.settings


@pytest.fixture
async def follower(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> RemoteActor:
    """Remote Alice follows Bob (her Follow delivered to his inbox and accepted)."""
    deliver(remote_alice, fed, payload("mastodon_follow", remote, fed))
    await run_jobs(db, fed)
    return remote_alice


@pytest.fixture
def stranger(remote: RemoteServer) -> RemoteActor:
    """Mallory, on the same remote server, follows nobody here."""
    return remote.actor("mallory", key=1)


def signed_get(
    actor: RemoteActor, url: str, *, private_pem: str | None = None, accept: str = AS["Accept"]
) -> httpx.Response:
    headers = sign_request(
        "GET",
        url,
        {},
        None,
        key_id=actor.key_id,
        private_key_pem=private_pem or actor.private_pem,
    )
    headers.pop("Host")
    return httpx.get(url, headers={"Accept": accept, **headers}, timeout=30)


def unsigned_get(url: str) -> httpx.Response:
    return httpx.get(url, headers=AS, timeout=30)


def json_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/activity+json"
    body: dict[str, Any] = response.json()
    return body


async def bob_posts(
    db: Database, fed: LiveServer, bob: Person, text: str, visibility: str
) -> tuple[int, str]:
    status = await post_status(db, fed.settings, bob.account_id, Draft(text, visibility=visibility))
    return status.id, f"{fed.url}/users/bob/statuses/{status.id}"


# --- followers-only and direct posts -----------------------------------------------------


async def test_a_followers_only_post_is_served_to_a_signed_follower_only(
    db: Database,
    fed: LiveServer,
    bob: Person,
    follower: RemoteActor,
    stranger: RemoteActor,
) -> None:
    _, note = await bob_posts(db, fed, bob, "for my followers", "private")
    for url in (note, f"{note}/activity", f"{note}/likes", f"{note}/shares"):
        assert unsigned_get(url).status_code == 404, url
        assert signed_get(stranger, url).status_code == 404, url
        # A signature that does not verify is no better than none: still not found.
        wrong_key = signed_get(follower, url, private_pem=key_pair(1)[0])
        assert wrong_key.status_code == 404, url
        answer = signed_get(follower, url)
        assert answer.status_code == 200, (url, answer.text)
        # Never kept by a cache, never handed by one to another fetcher.
        assert answer.headers["cache-control"] == "private, no-store"
        assert "Signature" in answer.headers["vary"]
        assert "Accept" in answer.headers["vary"]
    body = json_of(signed_get(follower, note))
    assert body["id"] == note
    assert body["to"] == [f"{fed.url}/users/bob/followers"]
    assert PUBLIC not in body["to"] + body["cc"]
    created = json_of(signed_get(follower, f"{note}/activity"))
    assert (created["type"], created["id"], created["object"]["id"]) == (
        "Create",
        f"{note}/activity",
        note,
    )


async def test_a_direct_post_is_served_to_the_signed_mentioned_actor_only(
    db: Database,
    fed: LiveServer,
    remote: RemoteServer,
    bob: Person,
    follower: RemoteActor,
    stranger: RemoteActor,
) -> None:
    _, note = await bob_posts(db, fed, bob, f"@alice@{remote.domain} psst", "direct")
    body = json_of(signed_get(follower, note))
    assert body["to"] == [follower.id]
    assert signed_get(stranger, note).status_code == 404
    assert unsigned_get(note).status_code == 404
    # Being a follower is not enough for a direct post one is not named in.
    _, other = await bob_posts(db, fed, bob, "a note to myself", "direct")
    assert signed_get(follower, other).status_code == 404


async def test_a_public_post_needs_no_signature_and_may_be_cached(
    db: Database, fed: LiveServer, bob: Person, stranger: RemoteActor
) -> None:
    _, note = await bob_posts(db, fed, bob, "hello world", "public")
    for response in (unsigned_get(note), signed_get(stranger, note)):
        assert json_of(response)["id"] == note
        assert "cache-control" not in response.headers
        assert "Signature" in response.headers["vary"]


# --- the activities' ids -----------------------------------------------------------------


async def test_the_outbox_activity_ids_answer_their_activity(
    db: Database, fed: LiveServer, bob: Person, carol: Person
) -> None:
    carols = await post_status(db, fed.settings, carol.account_id, Draft("worth sharing"))
    _, note = await bob_posts(db, fed, bob, "mine", "public")
    await reblog(db, bob.account_id, carols.id)
    page = json_of(unsigned_get(f"{fed.url}/users/bob/outbox?page=true"))
    ids = {item["type"]: item["id"] for item in page["orderedItems"]}
    create = json_of(unsigned_get(ids["Create"]))
    assert create["id"] == ids["Create"] == f"{note}/activity"
    assert create["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert (create["actor"], create["object"]["id"]) == (f"{fed.url}/users/bob", note)
    assert create["to"] == [PUBLIC]
    announce = json_of(unsigned_get(ids["Announce"]))
    assert announce["id"] == ids["Announce"]
    assert announce["type"] == "Announce"
    assert announce["object"] == f"{fed.url}/users/carol/statuses/{carols.id}"
    assert announce["to"] == [PUBLIC]
    assert f"{fed.url}/users/carol" in announce["cc"]
    # A repost's own id is not a Note; another person's post is not Bob's activity.
    repost_id = ids["Announce"].removesuffix("/activity")
    assert unsigned_get(repost_id).status_code == 404
    wrong = f"{fed.url}/users/bob/statuses/{carols.id}/activity"
    assert unsigned_get(wrong).status_code == 404
    assert unsigned_get(f"{fed.url}/users/bob/statuses/nope/activity").status_code == 404


# --- likes and shares ---------------------------------------------------------------------


async def test_likes_and_shares_are_counted_collections(
    db: Database, fed: LiveServer, bob: Person, carol: Person, alice: Person
) -> None:
    status_id, note = await bob_posts(db, fed, bob, "like me", "public")
    await favourite(db, carol.account_id, status_id)
    await favourite(db, alice.account_id, status_id)
    await reblog(db, carol.account_id, status_id)
    body = json_of(unsigned_get(note))
    assert body["likes"] == {"id": f"{note}/likes", "type": "Collection", "totalItems": 2}
    assert body["shares"] == {"id": f"{note}/shares", "type": "Collection", "totalItems": 1}
    likes = json_of(unsigned_get(f"{note}/likes"))
    assert likes == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note}/likes",
        "type": "Collection",
        "totalItems": 2,
    }
    assert json_of(unsigned_get(f"{note}/shares"))["totalItems"] == 1
    assert unsigned_get(f"{fed.url}/users/carol/statuses/{status_id}/likes").status_code == 404
