"""Filters on the streaming WebSocket: a hidden post never reaches the
viewer's streams, a warned one comes with ``filtered``, and a change to the
person's filters sends ``filters_changed`` to their ``user`` stream."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.factories import Person
from tests.live import LiveServer
from tests.timelines.helpers import drain, follow, post
from weft.actions.filters import FilterChange, KeywordChange, add_keyword, create_filter
from weft.config import Settings
from weft.db.database import Database

PATIENCE = 30  # a bound on waiting for a frame that must come


async def _frame(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(PATIENCE):
        frame: dict[str, Any] = json.loads(await ws.recv())
    return frame


async def test_streams_are_filtered_per_viewer(
    server: LiveServer, db: Database, settings: Settings, alice: Person, bob: Person
) -> None:
    await follow(db, alice, bob)
    url = server.url.replace("http://", "ws://") + "/api/v1/streaming?stream=user"
    async with (
        connect(url, subprotocols=[alice.token]) as mine,  # type: ignore[list-item]
        connect(url, subprotocols=[bob.token]) as his,  # type: ignore[list-item]
    ):
        await mine.send(json.dumps({"type": "subscribe", "stream": "public"}))
        made = await create_filter(
            db,
            alice.account_id,
            FilterChange(
                title="Looms",
                context=["home", "public"],
                action="hide",
                keywords=[KeywordChange("cursed")],
            ),
        )
        changed = await _frame(mine)
        assert changed["event"] == "filters_changed"
        assert changed["stream"] == ["user"]
        await create_filter(
            db,
            alice.account_id,
            FilterChange(
                title="Spoilers",
                context=["home"],
                action="warn",
                keywords=[KeywordChange("finale")],
            ),
        )
        assert (await _frame(mine))["event"] == "filters_changed"

        hidden = await post(db, settings, bob, "a Cursed loom")
        warned = await post(db, settings, bob, "the finale was good")
        await drain(db, settings)
        # Bob, with no filters, gets his own posts on his stream; Alice only the warned one.
        # (in either order: the two fan-out jobs may run side by side).
        seen = {json.loads((await _frame(his))["payload"])["id"] for _ in range(2)}
        assert seen == {str(hidden), str(warned)}
        frames = [await _frame(mine), await _frame(mine)]
        by_stream = {tuple(f["stream"]): json.loads(f["payload"]) for f in frames}
        assert set(by_stream) == {("user",), ("public",)}
        assert all(p["id"] == str(warned) for p in by_stream.values())
        assert by_stream[("user",)]["filtered"][0]["filter"]["title"] == "Spoilers"
        assert by_stream[("public",)]["filtered"] == []  # not in the filter's contexts

        # Everything about the hidden post was sent before this one (drained
        # first): the next frame being this one means none of it reached Alice.
        last = await post(db, settings, bob, "the last word", "private")
        await drain(db, settings)
        assert json.loads((await _frame(mine))["payload"])["id"] == str(last)

        await add_keyword(db, alice.account_id, made.filter.id, "loom", True)
        changed = await _frame(mine)
        assert changed["event"] == "filters_changed"
