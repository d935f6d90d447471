"""The services one running Weft shares: settings, database, limiter, Redis;
and :func:`runtime`, the FastAPI dependency every door reads them through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Request

from weft.config import Settings
from weft.db.database import Database
from weft.ratelimit import MemoryRateLimiter, NoRateLimiter, RateLimiter, RedisRateLimiter

if TYPE_CHECKING:
    from redis.asyncio import Redis


@dataclass
class Runtime:
    settings: Settings
    db: Database
    limiter: RateLimiter
    redis: Redis | None = None
    extra: dict[str, object] = field(default_factory=dict)

    async def close(self) -> None:
        await self.db.dispose()
        if self.redis is not None:
            await self.redis.aclose()


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


async def runtime(request: Request) -> Runtime:
    """The app's Runtime, as a dependency (async: FastAPI runs a plain ``def``
    dependency on a worker thread, which costs more than the whole lookup)."""
    return runtime_of(request)


def build_runtime(settings: Settings) -> Runtime:
    from weft.db import ids

    ids.configure(settings.node_id)
    redis = None
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    limiter: RateLimiter
    if not settings.rate_limits:
        limiter = NoRateLimiter()
    elif redis is not None:
        limiter = RedisRateLimiter(redis)
    else:
        limiter = MemoryRateLimiter()
    return Runtime(
        settings=settings, db=Database(settings.database_url), limiter=limiter, redis=redis
    )
