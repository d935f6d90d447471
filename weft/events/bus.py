"""Where events travel: in this process, or through Redis pub/sub to every process.

A bus has listeners (the streaming hub of a ``weft serve`` process): each is
told of every event, and of an outage (the Redis connection lost), when it
must close its sockets, since events may have been missed; clients reconnect
and catch up through the REST API, as Mastodon's do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from weft.events.event import Event

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("weft.events")

CHANNEL = "weft:events"
# Reconnecting to Redis after an outage: from the first wait to the longest.
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 10.0


class Listener(Protocol):
    def on_event(self, event: Event) -> None:
        """Called in the event loop for each event; must not block."""
        ...

    def on_outage(self) -> None:
        """The bus lost events (or may have): close what relies on it."""
        ...


class EventBus(Protocol):
    async def publish(self, event: Event) -> None: ...

    async def start(self, listener: Listener) -> None:
        """Deliver every event published (by any process the bus reaches) to ``listener``."""
        ...

    async def stop(self, listener: Listener) -> None: ...


class LocalBus:
    """The embedded bus: events reach the listeners of this process only."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    async def publish(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener.on_event(event)

    async def start(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def stop(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)


class RedisBus:
    """Events as messages on one Redis channel, which every listening process
    subscribes to (each then routes them to its own sockets by key)."""

    def __init__(self, url: str) -> None:
        self.url = url
        # One client per event loop (a client's connections belong to its loop).
        self._publishers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Redis] = (
            weakref.WeakKeyDictionary()
        )
        self._listeners: list[Listener] = []
        self._task: asyncio.Task[None] | None = None
        self._wait = RETRY_FIRST_SECONDS
        self.subscribed = asyncio.Event()

    def _client(self) -> Redis:
        from redis.asyncio import Redis

        return Redis.from_url(self.url, socket_connect_timeout=5, socket_timeout=5)

    async def publish(self, event: Event) -> None:
        loop = asyncio.get_running_loop()
        publisher = self._publishers.get(loop)
        if publisher is None:
            publisher = self._publishers[loop] = self._client()
        await publisher.publish(CHANNEL, orjson.dumps(event.as_dict()))

    async def start(self, listener: Listener) -> None:
        self._listeners.append(listener)
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="weft-event-bus")

    async def stop(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)
        if not self._listeners and self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        publisher = self._publishers.pop(asyncio.get_running_loop(), None)
        if publisher is not None:
            await publisher.aclose()

    async def _listen(self) -> None:
        while True:
            try:
                await self._receive()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("event bus: Redis subscription lost (%s); retrying", error)
            self.subscribed.clear()
            for listener in list(self._listeners):
                listener.on_outage()
            await asyncio.sleep(self._wait)
            self._wait = min(self._wait * 2, RETRY_MAX_SECONDS)

    async def _receive(self) -> None:
        # No read timeout: a quiet channel is not an outage (the connection's
        # health is checked by Redis-level pings instead).
        from redis.asyncio import Redis

        client = Redis.from_url(self.url, socket_connect_timeout=5, health_check_interval=15)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            self.subscribed.set()
            self._wait = RETRY_FIRST_SECONDS
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    event = Event.from_dict(_loads(message["data"]))
                except (ValueError, TypeError, KeyError):
                    log.warning("event bus: ignored a malformed message")
                    continue
                for listener in list(self._listeners):
                    listener.on_event(event)
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            await client.aclose()


def _loads(data: Any) -> dict[str, Any]:
    loaded = orjson.loads(data)
    if not isinstance(loaded, dict):
        raise ValueError("not an object")
    return loaded
