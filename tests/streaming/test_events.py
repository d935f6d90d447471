"""Events are published only once their transaction commits, and a hub
routes them to the sockets listening, dropping a slow reader alone."""

from __future__ import annotations

import pytest

from weft.api.streaming.hub import SLOW, Hub, Viewer
from weft.api.streaming.streams import parse_stream
from weft.db.database import Database
from weft.events import UPDATE, Event, bus_for, emit
from weft.events.bus import LocalBus


class Heard:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.outages = 0

    def on_event(self, event: Event) -> None:
        self.events.append(event)

    def on_outage(self) -> None:
        self.outages += 1


async def test_published_after_commit_never_after_rollback(db: Database) -> None:
    bus = bus_for(None)
    heard = Heard()
    await bus.start(heard)
    try:
        with pytest.raises(RuntimeError):
            await _emit_and_fail(db)
        assert heard.events == []
        async with db.write() as session:
            emit(session, UPDATE, ["user:1"], status_id=2)
            assert heard.events == []  # not before the commit
        assert heard.events == [Event(UPDATE, ("user:1",), status_id=2)]
    finally:
        await bus.stop(heard)


async def _emit_and_fail(db: Database) -> None:
    async with db.write() as session:
        emit(session, UPDATE, ["user:1"], status_id=1)
        raise RuntimeError("rolled back")


async def test_a_slow_reader_is_dropped_and_the_others_keep_their_events() -> None:
    hub = Hub(LocalBus())
    hub.queue_size = 3
    await hub.start()
    viewer = Viewer(account_id=1, token_id=None, scopes=frozenset({"read"}))
    slow, quick = hub.open(viewer), hub.open(viewer)
    for socket in (slow, quick):
        hub.subscribe(socket, parse_stream("user", {}, 1))
    received = []
    for n in range(10):
        hub.on_event(Event(UPDATE, ("user:1",), status_id=n))
        item = await quick.next(1)
        assert item is not None
        received.append(item[1].status_id)
    assert received == list(range(10))
    assert slow.closed == SLOW
    assert quick.closed is None
    await hub.stop()


async def test_sockets_per_token_are_capped() -> None:
    from weft.api.streaming.hub import TooManySockets

    hub = Hub(LocalBus())
    hub.sockets_per_token = 2
    viewer = Viewer(account_id=1, token_id=7, scopes=frozenset({"read"}))
    first = hub.open(viewer)
    hub.open(viewer)
    with pytest.raises(TooManySockets):
        hub.open(viewer)
    hub.release(first)  # a closed socket frees its place
    hub.open(viewer)
