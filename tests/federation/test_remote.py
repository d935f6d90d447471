"""Fetching remote actors and posts on demand (``weft.federation.remote``),
against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.federation.remote_server import RemoteServer
from weft.config import Settings
from weft.db.database import Database
from weft.federation.lookup import resolve
from weft.federation.remote import (
    FETCH_BUDGET,
    FetchBudget,
    RemoteError,
    Unreachable,
    fetch_account,
)
from weft.federation.remote_notes import fetch_status
from weft.models import Account, MediaAttachment, Status

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def open_settings(settings: Settings) -> Settings:
    return settings.with_(allow_private_network=True)


async def remote_accounts(db: Database) -> int:
    async with db.read() as session:
        query = select(func.count()).select_from(Account).where(Account.domain.is_not(None))
        return int(await session.scalar(query) or 0)


async def test_resolve_a_handle_by_webfinger(
    db: Database, open_settings: Settings, remote: RemoteServer
) -> None:
    remote.actor(
        "alice",
        name="Alice <b>A.</b>",
        summary='<p>Hi<script>alert(1)</script> <a href="javascript:x">x</a></p>',
        manuallyApprovesFollowers=True,
        discoverable=True,
        icon={"type": "Image", "mediaType": "image/png", "url": f"{remote.url}/a.png"},
        image={"type": "Image", "url": f"{remote.url}/h.png"},
        alsoKnownAs=["https://old.example/users/alice"],
        attachment=[
            {"type": "PropertyValue", "name": "Site", "value": '<a href="https://a.example">a</a>'}
        ],
    )
    found = await resolve(db, open_settings, f"@alice@{remote.domain}")
    assert isinstance(found, Account)
    assert (found.username, found.domain) == ("alice", remote.domain)
    assert found.uri == f"{remote.url}/users/alice"
    assert "script" not in found.note
    assert "javascript" not in found.note
    assert found.note.startswith("<p>Hi <a ")
    assert found.locked
    assert found.discoverable
    assert not found.bot
    assert found.avatar_url == f"{remote.url}/a.png"
    assert found.header_url == f"{remote.url}/h.png"
    assert found.inbox_url == f"{remote.url}/users/alice/inbox"
    assert found.shared_inbox_url == f"{remote.url}/inbox"
    assert found.public_key_id == f"{remote.url}/users/alice#main-key"
    assert found.also_known_as == ["https://old.example/users/alice"]
    assert found.fields[0]["name"] == "Site"
    assert 'href="https://a.example"' in found.fields[0]["value"]
    # The fetch was signed by our instance actor.
    signed = [h for method, path, h in remote.requests if path == "/users/alice"]
    assert 'keyId="http://weft.test/actor#main-key"' in signed[0]["Signature"]
    again = await resolve(db, open_settings, f"alice@{remote.domain}")
    assert isinstance(again, Account)
    assert again.id == found.id
    assert await remote_accounts(db) == 1


async def test_resolve_urls_of_actors_and_posts(
    db: Database, open_settings: Settings, remote: RemoteServer
) -> None:
    alice = remote.actor("alice", type="Service")
    note: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{remote.url}/users/alice/statuses/1",
        "type": "Note",
        "attributedTo": alice.id,
        "content": "<p>Hello <b>world</b></p>",
        "to": ["as:Public"],
        "cc": [f"{alice.id}/followers"],
        "published": "2026-01-01T10:00:00Z",
        "attachment": [
            {"type": "Document", "mediaType": "image/jpeg", "url": f"{remote.url}/p.jpg",
             "name": "A cat", "width": 40, "height": 30, "blurhash": "UABC"},
            {"type": "Document", "mediaType": "image/jpeg", "url": "ftp://bad/p.jpg"},
        ],
    }  # fmt: skip
    remote.serve_object(note)
    found = await resolve(db, open_settings, alice.id)
    assert isinstance(found, Account)
    assert found.bot
    status = await resolve(db, open_settings, note["id"])
    assert isinstance(status, Status)
    assert (status.visibility, status.content) == ("public", "<p>Hello <b>world</b></p>")
    assert status.text == "Hello world"
    async with db.read() as session:
        media = list(await session.scalars(select(MediaAttachment)))
    assert len(media) == 1
    assert (media[0].remote_url, media[0].type, media[0].description) == (
        f"{remote.url}/p.jpg",
        "image",
        "A cat",
    )
    assert media[0].meta["original"]["width"] == 40
    assert (await fetch_status(db, open_settings, note["id"])).id == status.id


async def test_a_reply_brings_its_parent(
    db: Database, open_settings: Settings, remote: RemoteServer
) -> None:
    alice = remote.actor("alice")
    base = {"type": "Note", "attributedTo": alice.id, "to": [PUBLIC]}
    parent: dict[str, Any] = {**base, "id": f"{remote.url}/notes/1", "content": "first"}
    reply: dict[str, Any] = {
        **base,
        "id": f"{remote.url}/notes/2",
        "content": "second",
        "inReplyTo": parent["id"],
    }
    remote.serve_object(parent)
    remote.serve_object(reply)
    status = await fetch_status(db, open_settings, reply["id"])
    async with db.read() as session:
        stored_parent = await session.scalar(select(Status).where(Status.uri == parent["id"]))
    assert stored_parent is not None
    assert status.in_reply_to_id == stored_parent.id
    assert status.conversation_id == stored_parent.id


def serve_thread(remote: RemoteServer, author: str, length: int, mentions: int = 0) -> list[str]:
    """A reply chain of ``length`` notes (the first is the top), each mentioning
    ``mentions`` actors of its own that we do not know yet; their ids, top first."""
    ids = [f"{remote.url}/notes/{n}" for n in range(length)]
    for n, uri in enumerate(ids):
        tags = [
            {"type": "Mention", "href": remote.actor(f"m{n}_{m}").id, "name": f"@m{n}_{m}"}
            for m in range(mentions)
        ]
        note = {"type": "Note", "id": uri, "attributedTo": author, "to": [PUBLIC], "tag": tags}
        remote.serve_object(
            {**note, "content": f"post {n}", "inReplyTo": ids[n - 1] if n else None}
        )
    return ids


async def statuses_by_uri(db: Database) -> dict[str, Status]:
    async with db.read() as session:
        return {s.uri: s for s in await session.scalars(select(Status)) if s.uri}


def gets(remote: RemoteServer) -> list[str]:
    return [path for method, path, _ in remote.requests if method == "GET"]


async def test_a_thread_is_fetched_until_the_budget_is_spent(
    db: Database, open_settings: Settings, remote: RemoteServer
) -> None:
    alice = remote.actor("alice")
    ids = serve_thread(remote, alice.id, 6)

    # The reply (1), its author (2), its parent (3); the grandparent is over budget.
    status = await fetch_status(db, open_settings, ids[-1], budget=FetchBudget(3))

    stored = await statuses_by_uri(db)
    assert set(stored) == {ids[-1], ids[-2]}
    assert status.in_reply_to_id == stored[ids[-2]].id
    assert stored[ids[-2]].in_reply_to_id is None  # left a non-reply, not an error
    assert gets(remote) == ["/notes/5", "/users/alice", "/notes/4"]


async def test_one_resolve_fetches_at_most_the_budget_however_it_fans_out(
    db: Database, open_settings: Settings, remote: RemoteServer
) -> None:
    alice = remote.actor("alice")
    # Five levels of parents, each mentioning five strangers: 37 documents in all.
    ids = serve_thread(remote, alice.id, 6, mentions=5)

    found = await resolve(db, open_settings, ids[-1])

    assert isinstance(found, Status)
    assert len(gets(remote)) <= FETCH_BUDGET
    assert ids[0] not in await statuses_by_uri(db)  # the top was left unfetched


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("content_type", "is text/html"),
        ("other_host", "another host"),
        ("no_inbox", "no preferredUsername or inbox"),
        ("no_key", "no public key"),
        ("foreign_key", "key on another host"),
        ("oversize", "more than 1048576"),
        ("not_json", "did not answer JSON"),
    ],
)
async def test_unusable_actor_documents_write_nothing(
    db: Database, open_settings: Settings, remote: RemoteServer, problem: str, message: str
) -> None:
    actor = remote.actor("mallory")
    document = dict(actor.document)
    if problem == "content_type":
        remote.serve("/users/mallory", document, "text/html")
    elif problem == "other_host":
        remote.serve("/users/mallory", {**document, "id": "https://elsewhere.example/users/m"})
    elif problem == "no_inbox":
        remote.serve("/users/mallory", {k: v for k, v in document.items() if k != "inbox"})
    elif problem == "no_key":
        remote.serve("/users/mallory", {k: v for k, v in document.items() if k != "publicKey"})
    elif problem == "foreign_key":
        key = {**document["publicKey"], "id": "https://elsewhere.example/users/m#main-key"}
        remote.serve("/users/mallory", {**document, "publicKey": key})
    elif problem == "oversize":
        remote.serve("/users/mallory", {**document, "padding": "x" * (1024 * 1024)})
    else:
        remote.serve("/users/mallory", b"{not json")
    before = await remote_accounts(db)
    with pytest.raises(RemoteError, match=message):
        await fetch_account(db, open_settings, actor.id)
    assert await remote_accounts(db) == before == 0


async def test_private_addresses_need_the_setting(
    db: Database, settings: Settings, remote: RemoteServer
) -> None:
    remote.actor("alice")
    with pytest.raises(RemoteError, match="non-public address") as refused:
        await fetch_account(db, settings, f"{remote.url}/users/alice")
    # Final, not "try again later": an inbound activity naming it is dropped, not retried.
    assert not isinstance(refused.value, Unreachable)


async def test_only_network_failures_are_worth_retrying(
    db: Database, open_settings: Settings, remote: RemoteServer
) -> None:
    remote.serve("/big", b"{" + b" " * (2 * 1024 * 1024) + b"}")
    remote.serve("/html", b"<html></html>", content_type="text/html")
    for path in ("/big", "/html"):
        with pytest.raises(RemoteError) as refused:
            await fetch_status(db, open_settings, f"{remote.url}{path}")
        assert not isinstance(refused.value, Unreachable)
    with pytest.raises(Unreachable):  # nothing listens on port 1
        await fetch_status(db, open_settings, "http://127.0.0.1:1/notes/1")


async def test_queries_that_are_not_handles_or_urls(db: Database, open_settings: Settings) -> None:
    assert await resolve(db, open_settings, "just words") is None
    assert await resolve(db, open_settings, "nobody@weft.test") is None
