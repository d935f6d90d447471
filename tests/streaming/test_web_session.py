"""The web app's socket: the streaming WebSocket opened with the session
cookie (same-origin only), and Weft's ``weft:thread`` stream of a post's
replies, judged for the viewer as every event is."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select, update
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.factories import Person
from tests.live import LiveServer
from tests.timelines.helpers import drain, follow, post
from tests.web.helpers import sign_in_form, sign_out
from weft.actions.posts.post import Draft, post_status
from weft.actions.sessions import revoke_session
from weft.config import Settings
from weft.db.database import Database
from weft.models import WebSession
from weft.models.base import utcnow
from weft.security import token_hash

PATIENCE = 30  # a bound on waiting for a frame that must come
URL_PATH = "/api/v1/streaming"


def _url(server: LiveServer, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + URL_PATH + query


async def _closed(ws: ClientConnection) -> ConnectionClosed:
    """How the server closed ``ws`` (frames before the close are skipped)."""
    async with asyncio.timeout(PATIENCE):
        while True:
            try:
                await ws.recv()
            except ConnectionClosed as closed:
                return closed


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


async def test_signing_out_closes_the_sessions_sockets(
    server: LiveServer, alice: Person, bob: Person
) -> None:
    with server.client() as browser:
        assert sign_in_form(browser, alice.username).status_code == 303
        cookie = browser.cookies["weft_session"]
        other = _session_cookie(server, alice)  # Alice signed in elsewhere too
        own = {"Cookie": f"weft_session={cookie}", "Origin": server.url}
        elsewhere = {"Cookie": f"weft_session={other}", "Origin": server.url}
        async with (
            connect(_url(server, "?stream=user"), additional_headers=own) as ws,
            connect(_url(server, "?stream=user"), additional_headers=elsewhere) as kept,
        ):
            assert sign_out(browser).status_code == 303
            closed = await _closed(ws)
            assert closed.rcvd is not None
            assert (closed.rcvd.code, closed.rcvd.reason) == (1008, "session ended")
            # The other session's socket stays open: a subscription still answers.
            await kept.send(json.dumps({"type": "subscribe", "stream": "hashtag"}))
            assert (await _frame(kept))["status"] == 422


async def test_a_revoked_or_expired_session_closes_its_sockets(
    server: LiveServer, db: Database, alice: Person
) -> None:
    revoked = _session_cookie(server, alice)
    expired = _session_cookie(server, alice)
    headers = [{"Cookie": f"weft_session={c}", "Origin": server.url} for c in (revoked, expired)]
    async with (
        connect(_url(server, "?stream=user"), additional_headers=headers[0]) as first,
        connect(_url(server, "?stream=user"), additional_headers=headers[1]) as second,
    ):
        async with db.read() as session:
            revoked_id = await session.scalar(
                select(WebSession.id).where(WebSession.token_hash == token_hash(revoked))
            )
        assert revoked_id is not None
        assert await revoke_session(db, alice.user_id, revoked_id)
        async with db.write() as session:
            await session.execute(
                update(WebSession)
                .where(WebSession.token_hash == token_hash(expired))
                .values(expires_at=utcnow())
            )
        for ws in (first, second):
            closed = await _closed(ws)
            assert closed.rcvd is not None
            assert closed.rcvd.reason == "session ended"
