"""The streaming WebSocket over real loopback: tokens, subscriptions, frames,
the policies each event is judged by, and sockets closed for a revoked token."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import update
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.timelines.helpers import drain, follow, post
from weft.actions.graph import block_account, mute_account
from weft.config import Settings
from weft.db.database import Database
from weft.models import OAuthAccessToken
from weft.models.base import utcnow
from weft.security import token_hash

PATIENCE = 30  # a bound on waiting for a frame that must come


def _url(server: LiveServer, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/api/v1/streaming" + query


async def _frame(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(PATIENCE):
        frame: dict[str, Any] = json.loads(await ws.recv())
    return frame


async def _subscribe(ws: ClientConnection, **message: str) -> None:
    await ws.send(json.dumps({"type": "subscribe", **message}))


async def test_subscriptions_frames_and_errors(
    server: LiveServer, db: Database, settings: Settings, alice: Person, bob: Person
) -> None:
    await follow(db, alice, bob)
    # The token as the subprotocol, as browsers send it; the server answers with it.
    async with connect(_url(server, "?stream=user"), subprotocols=[alice.token]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == alice.token
        await ws.send("not json")
        assert await _frame(ws) == {"error": "the message is not JSON", "status": 400}
        await _subscribe(ws, stream="hashtag")
        error = await _frame(ws)
        assert error["status"] == 422
        assert "tag is missing" in error["error"]
        await _subscribe(ws, stream="nope")
        assert "'nope' is not a stream" in (await _frame(ws))["error"]
        await _subscribe(ws, stream="hashtag", tag="cats")

        tagged = await post(db, settings, bob, "about #cats")
        await drain(db, settings)
        frames = [await _frame(ws), await _frame(ws)]
        assert sorted(f["stream"] for f in frames) == [["hashtag", "cats"], ["user"]]
        for frame in frames:
            assert frame["event"] == "update"
            assert json.loads(frame["payload"])["id"] == str(tagged)

        await ws.send(json.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "cats"}))
        again = await post(db, settings, bob, "more #cats")
        await drain(db, settings)
        frame = await _frame(ws)
        assert frame["stream"] == ["user"]
        assert json.loads(frame["payload"])["id"] == str(again)


async def test_tokens_are_checked_at_the_door(server: LiveServer, alice: Person) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(_url(server, "?access_token=wrong")):
            pass
    assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as anonymous:
        async with connect(_url(server, "?stream=user")):
            pass
    assert anonymous.value.response.status_code == 401
    headers = {"Authorization": f"Bearer {alice.token}"}
    async with connect(_url(server, "?stream=user"), additional_headers=headers) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "public:local"}))


async def test_each_event_is_judged_for_the_viewer(
    server: LiveServer, db: Database, settings: Settings, alice: Person, bob: Person
) -> None:
    carol = await make_person(db, settings, "carol")
    dave = await make_person(db, settings, "dave")
    await follow(db, alice, bob)
    await mute_account(db, alice.account_id, bob.account_id)
    await block_account(db, carol.account_id, alice.account_id)
    async with (
        connect(_url(server, "?stream=user"), subprotocols=[alice.token]) as mine,  # type: ignore[list-item]
        connect(_url(server, "?stream=public")) as anyone,
    ):
        await _subscribe(mine, stream="public")
        hidden = [
            await post(db, settings, bob, "muted, on her home and public"),
            await post(db, settings, carol, "public, but she blocks alice"),
        ]
        await drain(db, settings)
        last = await post(db, settings, dave, "the last one")
        await drain(db, settings)
        # Anyone sees all three on the public stream; Alice only the last.
        seen = [json.loads((await _frame(anyone))["payload"])["id"] for _ in range(3)]
        assert seen == [str(i) for i in [*hidden, last]]
        frame = await _frame(mine)
        assert frame["stream"] == ["public"]
        assert json.loads(frame["payload"])["id"] == str(last)


async def test_a_revoked_tokens_sockets_close(
    server: LiveServer, db: Database, alice: Person
) -> None:
    async with connect(_url(server, "?stream=user"), subprotocols=[alice.token]) as ws:  # type: ignore[list-item]
        async with db.write() as session:
            await session.execute(
                update(OAuthAccessToken)
                .where(OAuthAccessToken.token_hash == token_hash(alice.token))
                .values(revoked_at=utcnow())
            )
        with pytest.raises(ConnectionClosed) as closed:
            await _frame(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008
    assert closed.value.rcvd.reason == "token revoked"


async def test_a_list_stream_names_the_missing_list(server: LiveServer, alice: Person) -> None:
    """Weft has no lists yet: every list asked for is one the viewer lacks."""
    with server.client() as client:
        for query, status, error in (
            ("?list=7", 404, "list 7 not found"),
            ("?list=abc", 422, "list must name a list by its id"),
            ("", 422, "list is missing"),
        ):
            answer = client.get(f"/api/v1/streaming/list{query}", headers=alice.auth)
            assert answer.status_code == status, answer.text
            assert error in answer.json()["error"]
    async with connect(_url(server), subprotocols=[alice.token]) as ws:  # type: ignore[list-item]
        await _subscribe(ws, stream="list", list="7")
        assert await _frame(ws) == {"error": "list 7 not found", "status": 404}
