"""A new message's event carries the entity its sender was answered with,
and only to the members who may read it; accepting or declining a request is
a ``conversation`` event on the member's ``direct`` stream; the recipient's
hidden words send a first message to Spam; a Chat names who started it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.chats.helpers import CHATS, folder, ok, send, start
from tests.factories import Person, make_person
from tests.live import LiveServer
from weft.actions.graph import block_account, follow_account
from weft.db.database import Database
from weft.events import Event

PATIENCE = 30  # a bound on waiting for a frame that must come


async def _frame(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(PATIENCE):
        frame: dict[str, Any] = json.loads(await ws.recv())
    return frame


def _url(server: LiveServer, person: Person, stream: str = "user") -> str:
    base = server.url.replace("http://", "ws://")
    return f"{base}/api/v1/streaming?stream={stream}&access_token={person.token}"


def test_an_event_keeps_its_payload_across_the_bus() -> None:
    event = Event("chat.message", ("user:1",), chat_id=2, message_id=3, payload='{"id":"3"}')
    assert Event.from_dict(json.loads(json.dumps(event.as_dict()))) == event
    plain = Event("chat.message", ("user:1",), chat_id=2, message_id=3)
    assert Event.from_dict(plain.as_dict()).payload is None


async def test_a_new_message_reaches_the_members_who_may_read_it(
    server: LiveServer,
    client: httpx.Client,
    db: Database,
    alice: Person,
    bob: Person,
    carol: Person,
) -> None:
    for member in (bob, carol):
        await follow_account(db, member.account_id, alice.account_id)
    group = ok(start(client, alice, bob, carol, name="Looms"))
    assert group["created_by"] == str(alice.account_id)
    assert ok(client.get(f"{CHATS}/{group['id']}", headers=bob.auth))["created_by"] == str(
        alice.account_id
    )
    await block_account(db, carol.account_id, alice.account_id)
    async with (
        connect(_url(server, bob)) as bob_ws,
        connect(_url(server, carol)) as carol_ws,
        connect(_url(server, alice)) as alice_ws,
    ):
        answer = send(client, alice, group["id"], "warp and weft")
        sent = ok(answer)
        for ws in (bob_ws, alice_ws):  # Bob, and Alice's own other socket
            frame = await _frame(ws)
            assert frame["event"] == "chat.message"
            assert frame["payload"] == answer.text  # the very entity the sender got
        shown = ok(client.get(f"{CHATS}/{group['id']}/messages/{sent['id']}", headers=bob.auth))
        assert json.loads(answer.text) == shown
        assert shown["account"]["id"] == str(alice.account_id)
        assert shown["text"] == "warp and weft"
        assert shown["reactions"] == []
        assert shown["media_attachments"] == []

        # Carol blocks Alice: no event (her next frame is her own notification),
        # and the message is not hers to read.
        await follow_account(db, bob.account_id, carol.account_id)
        assert (await _frame(carol_ws))["event"] == "notification"
        hidden = client.get(f"{CHATS}/{group['id']}/messages/{sent['id']}", headers=carol.auth)
        assert hidden.status_code == 404


async def test_accepting_and_declining_are_conversation_events(
    server: LiveServer,
    client: httpx.Client,
    alice: Person,
    bob: Person,
    carol: Person,
) -> None:
    async with connect(_url(server, bob, "direct")) as bob_ws:
        chat = ok(start(client, alice, bob))
        ok(send(client, alice, chat["id"], "Hello Bob"))
        frame = await _frame(bob_ws)  # the request, as a conversation
        assert frame["event"] == "conversation"
        assert json.loads(frame["payload"])["id"] == chat["id"]

        ok(client.post(f"{CHATS}/{chat['id']}/accept", headers=bob.auth))
        frame = await _frame(bob_ws)
        assert frame["event"] == "conversation"
        accepted = json.loads(frame["payload"])
        assert accepted["id"] == chat["id"]
        assert accepted["last_status"]["content"].endswith("Hello Bob</p>")

        other = ok(start(client, carol, bob))
        ok(send(client, carol, other["id"], "Hi, I'm Carol"))
        assert json.loads((await _frame(bob_ws))["payload"])["id"] == other["id"]
        ok(client.post(f"{CHATS}/{other['id']}/decline", headers=bob.auth))
        frame = await _frame(bob_ws)
        assert frame["event"] == "conversation"
        declined = json.loads(frame["payload"])
        assert declined["id"] == other["id"]
        assert declined["last_status"] is None
        assert declined["unread"] is False
        # Carol, the sender, is told nothing: her list still shows the chat as it was.
        assert ok(client.get(f"{CHATS}/{other['id']}", headers=carol.auth))["last_message"]


def _hidden_words(client: httpx.Client, person: Person, words: list[str], action: str) -> None:
    body = {
        "title": f"my {action} words",
        "context": ["notifications"],  # any context counts
        "filter_action": action,
        "keywords_attributes": [{"keyword": w, "whole_word": True} for w in words],
    }
    ok(client.post("/api/v2/filters", headers=person.auth, json=body))


async def test_hidden_words_send_a_first_message_to_spam(
    server: LiveServer, client: httpx.Client, db: Database, alice: Person, bob: Person
) -> None:
    _hidden_words(client, bob, ["casino"], "hide")
    _hidden_words(client, bob, ["lottery"], "warn")
    # Alice's account is new (weight 1); a warn filter's word adds nothing.
    warned = ok(start(client, alice, bob))
    ok(send(client, alice, warned["id"], "Did you win the lottery?"))
    assert warned["id"] in folder(client, bob, "requests")
    # Carol's first message holds a hidden word (weight 2): Spam.
    carol = await make_person(db, server.settings, "carol2")
    spam = ok(start(client, carol, bob))
    ok(send(client, carol, spam["id"], "Free chips at the Casino tonight"))
    assert spam["id"] in folder(client, bob, "spam")
    assert spam["id"] not in folder(client, bob, "requests")
    # Only the first message is judged; and only the recipient's words count.
    _hidden_words(client, alice, ["hello"], "hide")
    dave = await make_person(db, server.settings, "dave2")
    fine = ok(start(client, dave, bob))
    ok(send(client, dave, fine["id"], "hello"))
    ok(send(client, dave, fine["id"], "casino?"))
    assert fine["id"] in folder(client, bob, "requests")
    back = ok(start(client, dave, alice))
    ok(send(client, dave, back["id"], "hello"))
    assert back["id"] in folder(client, alice, "spam")
