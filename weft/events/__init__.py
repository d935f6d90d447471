"""Live events: what a committed change means for the streams that are open.

An action (or a job) says what its change causes with :func:`emit`, inside
its transaction; the event goes to the bus only once that transaction has
committed, so a rolled-back write is never heard of (Zulip's
``send_event_on_commit``). A job that writes outside a transaction (the Redis
home feed) calls :func:`publish` once its writes are done.

An event carries ids: each open stream loads and judges what it names for
its own viewer (weft/api/streaming/), with the same policies as the REST API.
The one exception is a new chat message's ``payload`` (its entity, the same
for every member, addressed only to those who may read it: docs/decisions/0034).
Streams are named by keys (:mod:`weft.events.keys`).

The bus (:mod:`weft.events.bus`, :func:`bus_for`) is in-process (embedded),
or Redis pub/sub when ``WEFT_REDIS_URL`` is set, so an
event made in any ``weft serve`` or ``weft worker`` process reaches the
sockets of every other. See docs/decisions/0028.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import after_commit
from weft.events.bus import EventBus, LocalBus, RedisBus
from weft.events.event import (
    CHAT_MESSAGE,
    CHAT_REQUEST,
    CHAT_UPDATE,
    CONVERSATION,
    DELETE,
    FILTERS_CHANGED,
    NAMES,
    NOTIFICATION,
    STATUS_UPDATE,
    UPDATE,
    Event,
)

__all__ = [
    "CHAT_MESSAGE",
    "CHAT_REQUEST",
    "CHAT_UPDATE",
    "CONVERSATION",
    "DELETE",
    "FILTERS_CHANGED",
    "NAMES",
    "NOTIFICATION",
    "STATUS_UPDATE",
    "UPDATE",
    "Event",
    "EventBus",
    "bus_for",
    "emit",
    "publish",
]

log = logging.getLogger("weft.events")

_PENDING = "weft.events"


# The process's buses by Redis URL ("" for the in-process one). A process has
# the in-process bus and, when WEFT_REDIS_URL is set, the Redis one; events go
# to each. (Tests run apps of both kinds in one process.)
_buses: dict[str, EventBus] = {"": LocalBus()}


def bus_for(redis_url: str | None) -> EventBus:
    """The bus a process with these settings listens on, made once."""
    key = redis_url or ""
    if key not in _buses:
        _buses[key] = RedisBus(key)
    return _buses[key]


def emit(
    session: AsyncSession,
    name: str,
    keys: Iterable[str],
    *,
    change: str | None = None,
    payload: str | None = None,
    **ids: int | None,
) -> None:
    """Record an event in ``session``'s transaction; published once it commits."""
    wanted = tuple(dict.fromkeys(keys))
    if not wanted:
        return
    pending: list[Event] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []

        async def flush() -> None:
            for event in session.info.pop(_PENDING, []):
                await publish(event)

        after_commit(session, flush)
    pending.append(Event(name, wanted, change=change, payload=payload, **ids))


async def publish(event: Event) -> None:
    """Send ``event`` now. A live event is best effort: a bus that fails
    (Redis away) is logged, never raised into the change that made it."""
    for bus in list(_buses.values()):
        try:
            await bus.publish(event)
        except Exception:
            log.warning("could not publish a %s event", event.name, exc_info=True)
