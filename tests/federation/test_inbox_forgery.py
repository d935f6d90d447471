"""Signed deliveries that try to speak for someone else, over real HTTP on every
backend: a server may create, edit, delete, like, repost and undo only as its
own actors, about its own objects; a direct or followers-only remote post
reaches only its addressees."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import Person, make_person
from tests.federation.inbox_helpers import count, run_jobs
from tests.federation.remote_server import RemoteActor, RemoteServer
from tests.federation.test_inbox import bob_posts, deliver, one
from tests.live import LiveServer
from weft.actions.graph import follow_account
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.federation.lookup import resolve
from weft.federation.remote import RemoteError, fetch_account
from weft.federation.remote_notes import MAX_TAGS
from weft.models import Favourite, FollowRequest, InboundActivity, Mention, Status, StatusTag
from weft.models.base import Base
from weft.models.chats import ChatMessage

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = "https://www.w3.org/ns/activitystreams"


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    """Bob lives on ``fed``, the server the remote test server delivers to."""
    return fed.settings


def note(server: RemoteServer, author: str, number: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{server.url}/users/{author}/statuses/{number}",
        "type": "Note",
        "attributedTo": f"{server.url}/users/{author}",
        "content": "<p>forged?</p>",
        "published": "2026-11-20T10:00:00Z",
        "to": [PUBLIC],
        "cc": [],
        **extra,
    }


def create(actor: RemoteActor, obj: dict[str, Any], number: int) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": f"{actor.id}/activities/{number}",
        "type": "Create",
        "actor": actor.id,
        "to": obj.get("to", [PUBLIC]),
        "object": obj,
    }


async def rows(db: Database, model: type[Base]) -> list[Any]:
    async with db.read() as session:
        return list(await session.scalars(select(model)))


async def alice_posts(db: Database, fed: LiveServer, remote_alice: RemoteActor) -> Status:
    obj = note(remote_alice.server, "alice", 1)
    deliver(remote_alice, fed, create(remote_alice, obj, 1))
    await run_jobs(db, fed)
    status: Status = await one(db, Status, Status.uri == obj["id"])
    return status


async def test_a_create_attributed_to_one_of_ours_is_ignored(
    db: Database, fed: LiveServer, remote_alice: RemoteActor, bob: Person
) -> None:
    local = {
        "id": f"{fed.url}/users/bob/statuses/1",
        "type": "Note",
        "attributedTo": f"{fed.url}/users/bob",
        "content": "<p>I am bob, honest</p>",
        "to": [PUBLIC],
    }
    same_host_id = {**local, "id": f"{remote_alice.server.url}/users/alice/statuses/9"}
    deliver(remote_alice, fed, create(remote_alice, local, 1))
    deliver(remote_alice, fed, create(remote_alice, same_host_id, 2))
    await run_jobs(db, fed)
    assert await count(db, Status) == 0


async def test_a_create_of_another_servers_post_is_ignored(
    db: Database, fed: LiveServer, remote_alice: RemoteActor, other: RemoteServer, bob: Person
) -> None:
    other.actor("carol")
    other.serve_object(note(other, "carol", 5))
    # Embedded, it would be believed only from carol's server; fetched, it is carol's.
    deliver(remote_alice, fed, create(remote_alice, note(other, "carol", 5), 1))
    await run_jobs(db, fed)
    assert await count(db, Status) == 0


async def test_an_update_or_delete_of_someone_elses_post_is_ignored(
    db: Database,
    fed: LiveServer,
    remote_alice: RemoteActor,
    remote: RemoteServer,
    other: RemoteServer,
    bob: Person,
) -> None:
    theirs = await alice_posts(db, fed, remote_alice)
    ours = await bob_posts(db, fed, bob)
    mallory = other.actor("mallory", key=1)
    dave = remote.actor("dave", key=2)  # alice's server, but not remote_alice
    for number, (actor, target) in enumerate(
        [(mallory, theirs.uri), (dave, theirs.uri), (remote_alice, ours.uri), (mallory, ours.uri)]
    ):
        edited = {**note(remote, "alice", 1), "content": "<p>edited by a stranger</p>"}
        if target == ours.uri:
            edited = {**edited, "id": ours.uri, "attributedTo": f"{fed.url}/users/bob"}
        update = {"@context": CONTEXT, "id": f"{actor.id}#updates/{number}", "type": "Update",
                  "actor": actor.id, "object": edited}  # fmt: skip
        delete = {"@context": CONTEXT, "id": f"{actor.id}#deletes/{number}", "type": "Delete",
                  "actor": actor.id, "object": {"id": target, "type": "Tombstone"}}  # fmt: skip
        deliver(actor, fed, update)
        deliver(actor, fed, delete)
    await run_jobs(db, fed)
    kept = await one(db, Status, Status.id == theirs.id)
    assert kept.content == theirs.content
    assert kept.edited_at is None
    assert (await one(db, Status, Status.id == ours.id)).content == ours.content


async def test_a_like_or_announce_signed_by_someone_else_is_refused(
    db: Database, fed: LiveServer, remote_alice: RemoteActor, other: RemoteServer, bob: Person
) -> None:
    ours = await bob_posts(db, fed, bob)
    mallory = other.actor("mallory", key=1)
    like = {"@context": CONTEXT, "id": f"{remote_alice.id}#likes/1", "type": "Like",
            "actor": remote_alice.id, "object": ours.uri}  # fmt: skip
    response = mallory.deliver(f"{fed.url}/inbox", like)
    assert response.status_code == 401
    announce = {
        "@context": CONTEXT,
        "id": f"{remote_alice.id}/statuses/7/activity",
        "type": "Announce",
        "actor": remote_alice.id,
        "object": ours.uri,
        "to": [PUBLIC],
    }
    assert mallory.deliver(f"{fed.url}/inbox", announce).status_code == 401
    await run_jobs(db, fed)
    assert await count(db, Favourite) == 0
    assert await count(db, Status) == 1
    assert await count(db, InboundActivity) == 0


async def test_an_activity_whose_id_is_on_another_server_is_refused(
    db: Database, fed: LiveServer, remote_alice: RemoteActor, other: RemoteServer, bob: Person
) -> None:
    """Otherwise a server could take another's activity id first, and the real
    activity would be dropped as a repeat."""
    ours = await bob_posts(db, fed, bob)
    mallory = other.actor("mallory", key=1)
    stolen_id = f"{remote_alice.id}#likes/1"
    like = {"@context": CONTEXT, "id": stolen_id, "type": "Like",
            "actor": mallory.id, "object": ours.uri}  # fmt: skip
    response = mallory.deliver(f"{fed.url}/inbox", like)
    assert response.status_code == 400
    assert "id" in response.json()["error"]
    assert await count(db, InboundActivity) == 0
    deliver(remote_alice, fed, {**like, "actor": remote_alice.id})
    await run_jobs(db, fed)
    assert (await one(db, Favourite)).uri == stolen_id


async def test_an_undo_by_someone_else_leaves_the_like(
    db: Database,
    fed: LiveServer,
    remote_alice: RemoteActor,
    remote: RemoteServer,
    other: RemoteServer,
    bob: Person,
) -> None:
    ours = await bob_posts(db, fed, bob)
    like = {"@context": CONTEXT, "id": f"{remote_alice.id}#likes/1", "type": "Like",
            "actor": remote_alice.id, "object": ours.uri}  # fmt: skip
    deliver(remote_alice, fed, like)
    await run_jobs(db, fed)
    for number, actor in enumerate([other.actor("mallory", key=1), remote.actor("dave", key=2)]):
        for undone in (like, like["id"]):
            undo = {"@context": CONTEXT, "id": f"{actor.id}#undo/{number}/{undone is like}",
                    "type": "Undo", "actor": actor.id, "object": undone}  # fmt: skip
            deliver(actor, fed, undo)
    await run_jobs(db, fed)
    assert await count(db, Favourite) == 1


async def test_an_accept_from_anyone_but_the_followed_account_is_ignored(
    db: Database,
    fed: LiveServer,
    remote_alice: RemoteActor,
    remote: RemoteServer,
    other: RemoteServer,
    bob: Person,
) -> None:
    locked = remote.actor("locked", key=2, manuallyApprovesFollowers=True)
    target = await fetch_account(db, fed.settings, locked.id)
    await follow_account(db, bob.account_id, target.id)
    request = await one(db, FollowRequest)
    for number, actor in enumerate([remote_alice, other.actor("mallory", key=1)]):
        accept = {"@context": CONTEXT, "id": f"{actor.id}#accepts/{number}", "type": "Accept",
                  "actor": actor.id, "object": {"id": request.uri, "type": "Follow",
                  "actor": f"{fed.url}/users/bob", "object": locked.id}}  # fmt: skip
        deliver(actor, fed, accept)
    await run_jobs(db, fed)
    assert await count(db, FollowRequest) == 1


async def test_direct_and_followers_only_remote_posts_reach_only_their_addressees(
    db: Database, fed: LiveServer, remote_alice: RemoteActor, bob: Person
) -> None:
    carol = await make_person(db, fed.settings, "carol")
    mention = {"type": "Mention", "href": f"{fed.url}/users/bob"}
    direct = note(remote_alice.server, "alice", 1, to=[f"{fed.url}/users/bob"], tag=[mention])
    private = note(remote_alice.server, "alice", 2, to=[f"{remote_alice.id}/followers"])
    deliver(remote_alice, fed, create(remote_alice, direct, 1))
    deliver(remote_alice, fed, create(remote_alice, private, 2))
    await run_jobs(db, fed)
    # A direct Note to one person is a message in their chat with its author
    # (docs/decisions/0034-chats.md); the Mastodon door shows it as a direct post.
    message = await one(db, ChatMessage, ChatMessage.uri == direct["id"])
    assert await one(db, Status, Status.uri == direct["id"]) is None
    private_post = await one(db, Status, Status.uri == private["id"])
    assert private_post.visibility == "private"
    with fed.client() as http:
        for path in ("/api/v1/timelines/public", "/api/v1/timelines/public?remote=true"):
            assert http.get(path).json() == []
            assert http.get(path, headers=carol.auth).json() == []
        for item_id in (message.id, private_post.id):
            assert http.get(f"/api/v1/statuses/{item_id}", headers=carol.auth).status_code == 404
            assert http.get(f"/api/v1/statuses/{item_id}").status_code == 404
        seen = http.get(f"/api/v1/statuses/{message.id}", headers=bob.auth)
        assert seen.status_code == 200
        assert seen.json()["visibility"] == "direct"
        assert http.get(f"/api/v1/statuses/{private_post.id}", headers=bob.auth).status_code == 404


async def test_an_announce_of_a_followers_only_post_by_a_stranger_is_refused(
    db: Database, fed: LiveServer, remote_alice: RemoteActor, bob: Person
) -> None:
    private = await post_status(
        db, fed.settings, bob.account_id, Draft("mine", visibility="private")
    )
    announce = {
        "@context": CONTEXT,
        "id": f"{remote_alice.id}/statuses/7/activity",
        "type": "Announce",
        "actor": remote_alice.id,
        "object": private.uri,
        "to": [PUBLIC],
    }
    deliver(remote_alice, fed, announce)
    await run_jobs(db, fed)
    assert await count(db, Status) == 1


async def test_a_post_naming_thousands_of_mentions_tags_and_recipients_is_read_in_part(
    db: Database, fed: LiveServer, remote_alice: RemoteActor, bob: Person
) -> None:
    """A 1 MB note can name more accounts than one query may bind: the first
    hundred mentions, hashtags and local recipients are read, the rest ignored."""
    tags: list[dict[str, str]] = [{"type": "Mention", "href": f"{fed.url}/users/bob"}]
    # Nothing listens on port 1: the few we try to fetch fail at once.
    tags += [{"type": "Mention", "href": f"http://127.0.0.1:1/{i}"} for i in range(17_000)]
    tags += [{"type": "Hashtag", "name": f"#t{i}"} for i in range(300)]
    recipients = [f"{fed.url}/{i}" for i in range(300)]
    obj = note(remote_alice.server, "alice", 1, tag=tags, cc=recipients)
    activity = create(remote_alice, obj, 1)
    assert len(json.dumps(activity)) < 1024 * 1024
    deliver(remote_alice, fed, activity)
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == obj["id"])
    assert [m.account_id for m in await rows(db, Mention)] == [bob.account_id]
    assert await count(db, StatusTag) == MAX_TAGS
    assert status.visibility == "public"


async def test_a_profile_or_post_page_on_another_server_is_not_taken_as_its_url(
    db: Database, fed: LiveServer, remote: RemoteServer, other: RemoteServer, bob: Person
) -> None:
    """An impostor naming Carol's profile page (or one of her posts) as its own
    ``url`` must not be what searching for that page finds."""
    carol_page, carol_post = f"{other.url}/@carol", f"{other.url}/@carol/1"
    spoof = remote.actor("spoof", url=["javascript:alert(1)", carol_page])
    obj = note(remote, "spoof", 1, url=carol_post)
    deliver(spoof, fed, create(spoof, obj, 1))
    await run_jobs(db, fed)
    account = await fetch_account(db, fed.settings, spoof.id)
    status = await one(db, Status, Status.uri == obj["id"])
    assert (account.url, status.url) == (spoof.id, obj["id"])
    for page in (carol_page, carol_post):
        with pytest.raises(RemoteError):  # fetched from Carol's server, which has nothing
            await resolve(db, fed.settings, page)
    legit = remote.actor("legit", url=f"{remote.url}/@legit")
    assert (await fetch_account(db, fed.settings, legit.id)).url == f"{remote.url}/@legit"
