"""The web app's socket: the streaming WebSocket opened with the session
cookie (same-origin only), and Weft's ``weft:thread`` stream of a post's
replies, judged for the viewer as every event is."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.factories import Person
from tests.live import LiveServer
from tests.timelines.helpers import drain, follow, post
from tests.web.helpers import sign_in_form
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database

PATIENCE = 30  # a bound on waiting for a frame that must come
URL_PATH = "/api/v1/streaming"


def _url(server: LiveServer, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + URL_PATH + query


def _session_cookie(server: LiveServer, person: Person) -> str:
    with server.client() as client:
        signed_in = sign_in_form(client, person.username)
        assert signed_in.status_code == 303, signed_in.text
        cookie: str = client.cookies["weft_session"]
    return cookie


async def _frame(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(PATIENCE):
        frame: dict[str, Any] = json.loads(await ws.recv())
    return frame


async def _reply(
    db: Database, settings: Settings, author: Person, to: int, text: str, visibility: str
) -> int:
    draft = Draft(text, visibility=visibility, in_reply_to_id=to)
    return (await post_status(db, settings, author.account_id, draft)).id


async def test_the_session_cookie_opens_the_socket_from_our_own_pages(
    server: LiveServer, db: Database, settings: Settings, alice: Person, bob: Person
) -> None:
    await follow(db, alice, bob)
    cookie = {"Cookie": f"weft_session={_session_cookie(server, alice)}"}
    own = {**cookie, "Origin": server.url}
    async with connect(_url(server, "?stream=user"), additional_headers=own) as ws:
        made = await post(db, settings, bob, "for alice's home")
        await drain(db, settings)
        frame = await _frame(ws)
        assert frame["stream"] == ["user"]
        assert json.loads(frame["payload"])["id"] == str(made)
    for headers in ({**cookie, "Origin": "https://elsewhere.example"}, cookie):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(_url(server, "?stream=user"), additional_headers=headers):
                pass
        assert refused.value.response.status_code == 403
        assert b"only from this server's own pages" in refused.value.response.body
    stale = {"Cookie": "weft_session=not-a-session", "Origin": server.url}
    with pytest.raises(InvalidStatus) as ended:
        async with connect(_url(server, "?stream=user"), additional_headers=stale):
            pass
    assert ended.value.response.status_code == 401


async def test_a_thread_stream_carries_the_replies_its_viewer_may_see(
    server: LiveServer,
    db: Database,
    settings: Settings,
    alice: Person,
    bob: Person,
    carol: Person,
) -> None:
    root = await post(db, settings, carol, "a question for everyone")
    hidden = await post(db, settings, bob, "only for bob's followers", "private")
    headers = {"Cookie": f"weft_session={_session_cookie(server, alice)}", "Origin": server.url}
    async with connect(_url(server), additional_headers=headers) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "weft:thread", "status": hidden}))
        assert await _frame(ws) == {"error": "Record not found", "status": 404}
        await ws.send(json.dumps({"type": "subscribe", "stream": "weft:thread", "status": root}))
        await _reply(db, settings, bob, root, "followers only reply", "private")
        public = await _reply(db, settings, bob, root, "a public answer", "public")
        await drain(db, settings)
        frame = await _frame(ws)
        assert frame["stream"] == ["weft:thread", str(root)]
        assert frame["event"] == "update"
        assert json.loads(frame["payload"])["id"] == str(public)
