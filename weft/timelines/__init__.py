"""Home timelines: the feed store (a table, or Redis sorted sets) and the
jobs that fill it. ``home_feed(settings, redis)`` picks the backend."""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING

from weft.config import Settings
from weft.timelines.home import FeedEntry, HomeFeed
from weft.timelines.table import TableHomeFeed

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["FeedEntry", "HomeFeed", "TableHomeFeed", "home_feed", "in_database"]

# Job handlers have no Runtime: one client per Redis URL and event loop (a
# client's connections belong to the loop that made them).
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Redis]] = (
    weakref.WeakKeyDictionary()
)


def home_feed(settings: Settings, redis: Redis | None = None) -> HomeFeed:
    """The table feed, or the Redis feed when ``settings.redis_url`` is set."""
    if not settings.redis_url:
        return TableHomeFeed()
    from weft.timelines.redis import RedisHomeFeed

    return RedisHomeFeed(redis or _client(settings.redis_url))


def in_database(feed: HomeFeed) -> bool:
    """Whether writing to ``feed`` writes database rows (needs a write transaction)."""
    return isinstance(feed, TableHomeFeed)


def _client(url: str) -> Redis:
    from redis.asyncio import Redis

    per_loop = _clients.setdefault(asyncio.get_running_loop(), {})
    if url not in per_loop:
        per_loop[url] = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return per_loop[url]
