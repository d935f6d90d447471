"""The streaming WebSocket as ``weft serve`` answers it: in front of the app
(weft/api/streaming/front.py), on Weft's lean uvicorn protocol
(weft/serving.py). The same handler as the app's route, through the doors a
deployment uses: frames, errors, a revoked token, a client that vanishes,
and shutdown."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mastodon import Mastodon
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.live import WeftProcess
from tests.streaming.clients import sign_up

pytestmark = pytest.mark.acceptance
PATIENCE = 30  # a bound on waiting for a frame that must come


@pytest.fixture
def served(tmp_path: Path) -> Iterator[WeftProcess]:
    database = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'weft.sqlite3'}"
    server = WeftProcess(
        {"WEFT_DATABASE_URL": database, "WEFT_RATE_LIMITS": "false"}, tmp_path / "data"
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _url(server: WeftProcess, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/api/v1/streaming" + query


async def _frame(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(PATIENCE):
        frame: dict[str, Any] = json.loads(await ws.recv())
    return frame


async def _closed(ws: ClientConnection) -> ConnectionClosed:
    async with asyncio.timeout(PATIENCE):
        while True:
            try:
                await ws.recv()
            except ConnectionClosed as closed:
                return closed


async def test_the_served_socket_streams_answers_and_closes(served: WeftProcess) -> None:
    app = await asyncio.to_thread(Mastodon.create_app, "Door", api_base_url=served.url)
    bob = await asyncio.to_thread(sign_up, served.url, app, "bob")
    alice = await asyncio.to_thread(sign_up, served.url, app, "alice")
    await asyncio.to_thread(alice.account_follow, (await asyncio.to_thread(bob.me)).id)
    headers = {"Authorization": f"Bearer {alice.access_token}"}

    # A client that vanishes without a close frame is no error of the server's.
    vanishing = await connect(_url(served, "?stream=public"), ping_interval=None)
    vanishing.transport.abort()

    async with connect(_url(served, "?stream=user"), additional_headers=headers) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "list", "list": "3"}))
        assert await _frame(ws) == {"error": "list 3 not found", "status": 404}
        posted = await asyncio.to_thread(bob.status_post, "through the front door")
        frame = await _frame(ws)
        assert (frame["stream"], frame["event"]) == (["user"], "update")
        assert json.loads(frame["payload"])["id"] == str(posted.id)

        client_id, client_secret = app
        async with httpx.AsyncClient(base_url=served.url) as http:
            revoked = await http.post(
                "/oauth/revoke",
                data={
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "token": alice.access_token,
                },
            )
        assert revoked.status_code == 200, revoked.text
        closed = await _closed(ws)
        assert closed.rcvd is not None
        assert (closed.rcvd.code, closed.rcvd.reason) == (1008, "token revoked")

    async with connect(_url(served, "?stream=public")) as ws:
        await asyncio.to_thread(served.stop)
        closed = await _closed(ws)
        assert closed.rcvd is not None
        assert closed.rcvd.code == 1012
    assert "Exception in ASGI application" not in served.log()
