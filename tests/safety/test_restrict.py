"""Restricting an account, and private notes, through the API."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from tests.api.test_timelines import say
from tests.chats.helpers import folder, ok, send, start
from tests.factories import Person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.actions.graph import follow_account
from weft.actions.posts.remote import RemoteNote, create_remote_status
from weft.db.database import Database
from weft.models import Account, Notification

WEFT = "/api/weft/v1/accounts"


def reply(client: httpx.Client, person: Person, to: str, text: str) -> str:
    response = client.post(
        "/api/v1/statuses", data={"status": text, "in_reply_to_id": to}, headers=person.auth
    )
    assert response.status_code == 200, response.text
    status_id: str = response.json()["id"]
    return status_id


def notified_ids(client: httpx.Client, person: Person) -> set[str]:
    response = client.get("/api/v1/notifications", headers=person.auth)
    assert response.status_code == 200, response.text
    return {n["status"]["id"] for n in response.json() if n.get("status")}


async def test_a_restricted_persons_reply_is_seen_by_them_alone(
    client: httpx.Client, alice: Person, bob: Person, carol: Person
) -> None:
    post = say(client, alice, "Say something nice")
    before = reply(client, bob, post, "Before the restriction")
    restricted = client.post(f"{WEFT}/{bob.account_id}/restrict", headers=alice.auth)
    assert restricted.status_code == 200, restricted.text
    assert restricted.json()["restricting"] is True
    # Bob is not told: his view of Alice says nothing.
    theirs = client.get(
        "/api/v1/accounts/relationships", params={"id[]": alice.account_id}, headers=bob.auth
    )
    assert theirs.json()[0]["restricting"] is False
    after = reply(client, bob, post, "After the restriction")
    # Bob sees his reply everywhere, as if nothing happened...
    assert client.get(f"/api/v1/statuses/{after}", headers=bob.auth).status_code == 200
    descendants = client.get(f"/api/v1/statuses/{post}/context", headers=bob.auth).json()
    assert {s["id"] for s in descendants["descendants"]} == {before, after}
    # ...nobody else does, Alice included, and she is not notified of it.
    for viewer in (alice, carol):
        assert client.get(f"/api/v1/statuses/{after}", headers=viewer.auth).status_code == 404
        context = client.get(f"/api/v1/statuses/{post}/context", headers=viewer.auth).json()
        assert [s["id"] for s in context["descendants"]] == [before]
    assert client.get(f"/api/v1/statuses/{after}").status_code == 404
    assert notified_ids(client, alice) == {before}
    shown = client.get(f"/api/v1/statuses/{post}", headers=carol.auth).json()
    assert shown["replies_count"] == 1  # the restricted reply is not counted
    # Lifting it lets later replies through; the one made meanwhile stays his.
    lifted = client.post(f"{WEFT}/{bob.account_id}/unrestrict", headers=alice.auth)
    assert lifted.json()["restricting"] is False
    later = reply(client, bob, post, "Friends again")
    assert client.get(f"/api/v1/statuses/{later}", headers=carol.auth).status_code == 200
    assert client.get(f"/api/v1/statuses/{after}", headers=carol.auth).status_code == 404
    assert notified_ids(client, alice) == {before, later}


async def test_restricting_answers_404_for_unknown_accounts_and_needs_a_token(
    client: httpx.Client, alice: Person
) -> None:
    missing = client.post(f"{WEFT}/123456789/restrict", headers=alice.auth)
    assert missing.status_code == 404
    assert missing.json() == {"error": "Record not found"}
    assert client.post(f"{WEFT}/{alice.account_id}/restrict").status_code == 401
    bad = client.post(f"{WEFT}/nope/unrestrict", headers=alice.auth)
    assert bad.status_code == 404


async def test_a_restricted_persons_messages_land_in_requests(
    client: httpx.Client, db: Database, alice: Person, bob: Person
) -> None:
    await follow_account(db, alice.account_id, bob.account_id)  # she follows him
    client.post(f"{WEFT}/{bob.account_id}/restrict", headers=alice.auth)
    chat = ok(start(client, bob, alice))["id"]
    ok(send(client, bob, chat, "hi"))
    assert chat not in folder(client, alice, "inbox")
    assert chat in folder(client, alice, "requests")


async def test_an_earlier_chat_goes_back_to_requests_when_restricting(
    client: httpx.Client, db: Database, alice: Person, bob: Person
) -> None:
    await follow_account(db, alice.account_id, bob.account_id)
    chat = ok(start(client, bob, alice))["id"]
    ok(send(client, bob, chat, "hi"))
    assert chat in folder(client, alice, "inbox")
    client.post(f"{WEFT}/{bob.account_id}/restrict", headers=alice.auth)
    assert chat in folder(client, alice, "requests")
    assert chat not in folder(client, alice, "inbox")
    ok(send(client, bob, chat, "still there?"))  # he is not told


async def test_a_private_note_shows_in_the_relationship_only_to_its_writer(
    client: httpx.Client, server: LiveServer, alice: Person, bob: Person
) -> None:
    url = f"/api/v1/accounts/{bob.account_id}/note"
    noted = client.post(url, data={"comment": "Met at the conference"}, headers=alice.auth)
    assert noted.status_code == 200, noted.text
    assert assert_conforms(noted)["note"] == "Met at the conference"
    mine = client.get(
        "/api/v1/accounts/relationships", params={"id[]": bob.account_id}, headers=alice.auth
    )
    assert mine.json()[0]["note"] == "Met at the conference"
    theirs = client.get(
        "/api/v1/accounts/relationships", params={"id[]": alice.account_id}, headers=bob.auth
    )
    assert theirs.json()[0]["note"] == ""
    too_long = client.post(url, json={"comment": "x" * 2001}, headers=alice.auth)
    assert too_long.status_code == 422
    assert (
        too_long.json()["error"]
        == "Validation failed: comment is too long (at most 2000 characters)"
    )
    assert client.post(url, json={"comment": ""}, headers=alice.auth).json()["note"] == ""
    missing = client.post("/api/v1/accounts/987654321/note", headers=alice.auth)
    assert missing.status_code == 404


async def test_a_restricted_persons_reply_from_another_server_is_theirs_alone(
    client: httpx.Client, db: Database, alice: Person, bob: Person
) -> None:
    async with db.write() as session:
        zed = Account(
            username="zed",
            domain="remote.example",
            uri="https://remote.example/users/zed",
            url="https://remote.example/@zed",
        )
        session.add(zed)
        await session.flush()
        zed_id = zed.id
    post = say(client, alice, "Tell me")
    client.post(f"{WEFT}/{zed_id}/restrict", headers=alice.auth)
    note = RemoteNote(
        uri="https://remote.example/notes/2",
        account_id=zed_id,
        content="<p>Here is what I think</p>",
        visibility="public",
        created_at=datetime.now(UTC),
        in_reply_to_id=int(post),
    )
    reply_row = await create_remote_status(db, note)
    assert reply_row is not None
    assert reply_row.restricted
    for viewer in (alice, bob):
        shown = client.get(f"/api/v1/statuses/{reply_row.id}", headers=viewer.auth)
        assert shown.status_code == 404
        context = client.get(f"/api/v1/statuses/{post}/context", headers=viewer.auth).json()
        assert context["descendants"] == []
    async with db.read() as session:
        made = await session.scalar(
            select(Notification.id).where(Notification.account_id == alice.account_id)
        )
        assert made is None
