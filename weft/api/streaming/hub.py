"""A process's open streams: who listens to what, and the events routed to them.

Each socket (an SSE response or a WebSocket) has a bounded queue: an event
for a socket whose queue is full closes that socket (a slow reader is
dropped, as Mastodon's streaming server drops one, rather than slowing the
others or holding memory). Routing only appends ids to queues; each socket
loads and renders what it is given in its own task (weft/api/streaming/render.py).

The hub also closes sockets: a token revoked (or expired, or its person
disabled or suspended), or a web session ended (signed out, revoked, expired),
within ``recheck_seconds``, every socket on an outage
of the bus (events may have been lost: clients reconnect and catch up) and
at shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from weft.api.streaming.shared import SharedReads
from weft.api.streaming.streams import PERSONAL, Stream
from weft.events import Event
from weft.events.bus import EventBus

log = logging.getLogger("weft.streaming")

QUEUE_SIZE = 200  # events waiting for one socket before it is dropped
SOCKETS_PER_TOKEN = 16  # in one process (Mastodon sets no cap; clients open one or two)
HEARTBEAT_SECONDS = 15.0  # SSE comment lines, as Mastodon's ":thump"
RECHECK_SECONDS = 3.0

SLOW = "slow reader"
REVOKED = "token revoked"
SIGNED_OUT = "session ended"
OUTAGE = "events interrupted"
SHUTDOWN = "server restarting"


@dataclass(frozen=True, slots=True)
class Viewer:
    account_id: int | None
    token_id: int | None
    scopes: frozenset[str]
    session_id: int | None = None  # the web app's session, when opened with its cookie


Item = tuple[Stream, Event, SharedReads]


class Socket:
    """One open stream's state. Kept small (benchmark e): an idle socket holds
    no queue and no event of its own, only its viewer and subscriptions."""

    __slots__ = ("_items", "_ready", "closed", "limit", "streams", "viewer", "wake")

    def __init__(self, viewer: Viewer, limit: int = QUEUE_SIZE) -> None:
        self.viewer = viewer
        self.limit = limit
        self.streams: dict[tuple[str, ...], Stream] = {}
        self.closed: str | None = None  # why, once closed
        # Called (in the event loop) when an event is queued or the socket is
        # closed: the WebSocket starts a task to send then (routes.py), so an
        # idle one has no task of ours waiting. The SSE stream waits in next().
        self.wake: Callable[[], None] | None = None
        self._items: deque[Item] | None = None  # made by the first event, dropped when drained
        self._ready: asyncio.Event | None = None  # only while next() waits

    def offer(self, stream: Stream, event: Event, shared: SharedReads) -> None:
        if self.closed is not None:
            return
        if self._items is None:
            self._items = deque()
        elif len(self._items) >= self.limit:
            self.close(SLOW)
            return
        self._items.append((stream, event, shared))
        self._signal()

    def close(self, reason: str) -> None:
        if self.closed is None:
            self.closed = reason
            self._items = None
            self._signal()

    def _signal(self) -> None:
        if self._ready is not None:
            self._ready.set()
        if self.wake is not None:
            self.wake()

    @property
    def pending(self) -> bool:
        return bool(self._items)

    def take(self) -> Item | None:
        """The next queued event, if any, without waiting."""
        if self.closed is not None or not self._items:
            return None
        item = self._items.popleft()
        if not self._items:
            self._items = None
        return item

    async def next(self, wait_seconds: float) -> Item | None:
        """The next event, or None after ``wait_seconds`` without one (time
        for a heartbeat). Check ``closed`` first and after."""
        if not self._items and self.closed is None:
            self._ready = asyncio.Event()
            try:
                async with asyncio.timeout(wait_seconds):
                    await self._ready.wait()
            except TimeoutError:
                return None
            finally:
                self._ready = None
        return self.take()


class TooManySockets(Exception):
    pass


# The hubs of this process (one per app), for ``close_every_hub``.
_HUBS: weakref.WeakSet[Hub] = weakref.WeakSet()


def close_every_hub() -> None:
    """End every open stream of this process (the server is stopping)."""
    for hub in list(_HUBS):
        hub.close_all(SHUTDOWN)


class Hub:
    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.queue_size = QUEUE_SIZE
        self.sockets_per_token = SOCKETS_PER_TOKEN
        self.heartbeat_seconds = HEARTBEAT_SECONDS
        self.recheck_seconds = RECHECK_SECONDS
        self.sockets: set[Socket] = set()
        self._by_key: dict[str, set[Socket]] = defaultdict(set)
        self._by_token: dict[int, set[Socket]] = defaultdict(set)
        self._by_session: dict[int, set[Socket]] = defaultdict(set)
        self._loop: asyncio.AbstractEventLoop | None = None
        _HUBS.add(self)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.bus.start(self)

    async def stop(self) -> None:
        await self.bus.stop(self)
        self.close_all(SHUTDOWN)

    # --- sockets and their streams ----------------------------------------------

    def open(self, viewer: Viewer) -> Socket:
        token = viewer.token_id
        if token is not None and len(self._by_token.get(token, ())) >= self.sockets_per_token:
            raise TooManySockets()
        socket = Socket(viewer, limit=self.queue_size)
        self.sockets.add(socket)
        if viewer.token_id is not None:
            self._by_token[viewer.token_id].add(socket)
        if viewer.session_id is not None:
            self._by_session[viewer.session_id].add(socket)
        return socket

    def subscribe(self, socket: Socket, stream: Stream) -> None:
        socket.streams[stream.name] = stream
        for key in stream.keys:
            self._by_key[key].add(socket)

    def unsubscribe(self, socket: Socket, name: tuple[str, ...]) -> None:
        stream = socket.streams.pop(name, None)
        if stream is None:
            return
        still = {k for s in socket.streams.values() for k in s.keys}
        for key in stream.keys - still:
            self._drop_key(key, socket)

    def release(self, socket: Socket) -> None:
        """Forget a socket that has ended (its task calls this in ``finally``)."""
        socket.close(socket.closed or "ended")
        for stream in list(socket.streams.values()):
            for key in stream.keys:
                self._drop_key(key, socket)
        socket.streams.clear()
        self.sockets.discard(socket)
        _forget(self._by_token, socket.viewer.token_id, socket)
        _forget(self._by_session, socket.viewer.session_id, socket)

    def _drop_key(self, key: str, socket: Socket) -> None:
        listeners = self._by_key.get(key)
        if listeners is not None:
            listeners.discard(socket)
            if not listeners:
                del self._by_key[key]

    def tokens(self) -> list[int]:
        return list(self._by_token)

    def close_token(self, token_id: int, reason: str) -> None:
        for socket in list(self._by_token.get(token_id, ())):
            socket.close(reason)

    def web_sessions(self) -> list[int]:
        return list(self._by_session)

    def close_session(self, session_id: int, reason: str) -> None:
        for socket in list(self._by_session.get(session_id, ())):
            socket.close(reason)

    def close_all(self, reason: str) -> None:
        for socket in list(self.sockets):
            socket.close(reason)

    # --- the bus's listener ------------------------------------------------------

    def on_event(self, event: Event) -> None:
        if self._loop is not None and _running_loop() is not self._loop:
            # Published from another thread's loop (a test driving actions directly).
            self._loop.call_soon_threadsafe(self._route, event)
            return
        self._route(event)

    def on_outage(self) -> None:
        if self._loop is not None and _running_loop() is not self._loop:
            self._loop.call_soon_threadsafe(self.close_all, OUTAGE)
            return
        self.close_all(OUTAGE)

    def _route(self, event: Event) -> None:
        offered: set[tuple[int, tuple[str, ...]]] = set()
        shared = SharedReads()  # what the sockets' renders read once for all
        for key in event.keys:
            for socket in list(self._by_key.get(key, ())):
                for stream in socket.streams.values():
                    mark = (id(socket), stream.name)
                    if key in stream.keys and mark not in offered:
                        offered.add(mark)
                        if socket.viewer.account_id is not None and stream.name[0] in PERSONAL:
                            shared.viewers.add(socket.viewer.account_id)
                        socket.offer(stream, event, shared)


def _forget(index: dict[int, set[Socket]], owner: int | None, socket: Socket) -> None:
    if owner is None:
        return
    held = index.get(owner)
    if held is not None:
        held.discard(socket)
        if not held:
            del index[owner]


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
