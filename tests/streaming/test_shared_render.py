"""One event, many sockets: what their renders share (weft/api/streaming/shared.py)
never carries one viewer's facts to another."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.timelines.helpers import drain, follow, post
from weft.actions.interactions import bookmark, favourite
from weft.actions.posts.edit import Change, edit_status
from weft.config import Settings
from weft.db.database import Database

PATIENCE = 30  # a bound on waiting for a frame that must come


async def _payload(ws: ClientConnection, event: str) -> dict[str, Any]:
    async with asyncio.timeout(PATIENCE):
        while True:
            frame = json.loads(await ws.recv())
            if frame["event"] == event:
                payload: dict[str, Any] = json.loads(frame["payload"])
                return payload


def _url(server: LiveServer) -> str:
    return server.url.replace("http://", "ws://") + "/api/v1/streaming?stream=user"


async def test_each_viewer_gets_their_own_facts(
    server: LiveServer,
    db: Database,
    settings: Settings,
    alice: Person,
    bob: Person,
    carol: Person,
) -> None:
    dave = await make_person(db, settings, "dave")
    for reader in (bob, carol, dave):
        await follow(db, reader, alice)
    status_id = await post(db, settings, alice, "before the edit")
    await drain(db, settings)
    await favourite(db, bob.account_id, status_id)
    await bookmark(db, carol.account_id, status_id)
    sockets = [await connect(_url(server), subprotocols=[p.token]) for p in (bob, carol, dave)]  # type: ignore[list-item]
    try:
        await edit_status(db, settings, alice.account_id, status_id, Change("after the edit"))
        bobs, carols, daves = [await _payload(ws, "status.update") for ws in sockets]
    finally:
        for ws in sockets:
            await ws.close()
    assert (bobs["favourited"], bobs["bookmarked"]) == (True, False)
    assert (carols["favourited"], carols["bookmarked"]) == (False, True)
    assert (daves["favourited"], daves["bookmarked"]) == (False, False)
    assert bobs["content"] == carols["content"] == daves["content"] == "<p>after the edit</p>"
