"""Chat events on the streaming WebSocket: the other member's socket gets
``chat.request``, then ``chat.message`` and ``chat.update``; a non-member's
socket gets none of them (the next frame it gets is its own notification)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.chats.helpers import CHATS, ok, send, start
from tests.factories import Person
from tests.live import LiveServer
from weft.actions.graph import follow_account
from weft.db.database import Database

PATIENCE = 30  # a bound on waiting for a frame that must come


async def _frame(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(PATIENCE):
        frame: dict[str, Any] = json.loads(await ws.recv())
    return frame


def _url(server: LiveServer, person: Person) -> str:
    base = server.url.replace("http://", "ws://")
    return f"{base}/api/v1/streaming?stream=user&access_token={person.token}"


async def test_members_hear_and_others_do_not(
    server: LiveServer,
    client: httpx.Client,
    db: Database,
    alice: Person,
    bob: Person,
    carol: Person,
) -> None:
    async with connect(_url(server, bob)) as bob_ws, connect(_url(server, carol)) as carol_ws:
        chat = ok(start(client, alice, bob))
        hello = ok(send(client, alice, chat["id"], "Hello"))
        frame = await _frame(bob_ws)
        assert frame["event"] == "chat.request"
        assert frame["stream"] == ["user"]
        assert json.loads(frame["payload"])["last_message"]["id"] == hello["id"]

        ok(client.post(f"{CHATS}/{chat['id']}/accept", headers=bob.auth))
        assert (await _frame(bob_ws))["event"] == "chat.update"  # his own accept
        second = ok(send(client, alice, chat["id"], "Are you there?"))
        frame = await _frame(bob_ws)
        assert frame["event"] == "chat.message"
        payload = json.loads(frame["payload"])
        assert payload["id"] == second["id"]
        assert payload["text"] == "Are you there?"

        path = f"{CHATS}/{chat['id']}/messages/{second['id']}"
        ok(client.put(path, json={"text": "Still there?"}, headers=alice.auth))
        frame = await _frame(bob_ws)
        assert frame["event"] == "chat.update"
        update = json.loads(frame["payload"])
        assert update["change"] == "edit"
        assert update["message"]["text"] == "Still there?"

        # Carol, not a member, heard none of it: her next frame is her own notification.
        await follow_account(db, bob.account_id, carol.account_id)
        frame = await _frame(carol_ws)
        assert frame["event"] == "notification"
