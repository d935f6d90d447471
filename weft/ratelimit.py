"""Rate limits: fixed windows counted in memory (embedded) or in Redis (scaled).

Fixed windows, like Mastodon's rack-attack throttles and its ``RateLimiter``:
simple, one counter per key and window, and every process sharing Redis sees
the same count. The numbers are Mastodon's defaults (docs/configuration.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    period_seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # Unix time when the window ends


# Every request: Mastodon's throttle_authenticated_api / throttle_unauthenticated_api.
API = Limit("api", 300, 5 * 60)
# Mastodon's rack-attack throttles on the doors that make accounts and sessions.
SIGN_UP = Limit("sign_up", 5, 30 * 60)
SIGN_IN = Limit("sign_in", 25, 5 * 60)
OAUTH_TOKEN = Limit("oauth_token", 50, 5 * 60)
# A second factor: per account, as Mastodon's MAX_2FA_ATTEMPTS_PER_HOUR.
TWO_FACTOR = Limit("two_factor", 10, 60 * 60)
# Mastodon's throttle_api_media and throttle_api_delete.
MEDIA = Limit("media", 30, 30 * 60)
DELETES = Limit("deletes", 30, 30 * 60)
# Mastodon's RateLimiter families (app/lib/rate_limiter.rb).
STATUSES = Limit("statuses", 300, 3 * 60 * 60)
FOLLOWS = Limit("follows", 400, 24 * 60 * 60)
REPORTS = Limit("reports", 400, 24 * 60 * 60)

ALL_LIMITS = (
    API,
    SIGN_UP,
    SIGN_IN,
    OAUTH_TOKEN,
    TWO_FACTOR,
    MEDIA,
    DELETES,
    STATUSES,
    FOLLOWS,
    REPORTS,
)


class RateLimiter(Protocol):
    async def hit(self, limit: Limit, key: str) -> Verdict: ...

    async def hit_many(self, hits: Sequence[tuple[Limit, str]]) -> list[Verdict]:
        """Count one request against several limits at once (one Redis round trip)."""
        ...

    async def reset(self) -> None: ...


def _window(limit: Limit, now: float) -> tuple[int, float]:
    index = int(now // limit.period_seconds)
    return index, (index + 1) * limit.period_seconds


def _verdict(limit: Limit, count: int, reset_at: float) -> Verdict:
    return Verdict(count <= limit.limit, limit.limit, max(0, limit.limit - count), reset_at)


class MemoryRateLimiter:
    """Counters in this process: right for the embedded, single-process server.

    Each limit keeps only its current window's counts: a request in a new
    window drops the old window's whole table, so counting stays O(1) and
    nothing needs sweeping.
    """

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, dict[str, int]]] = {}
        self._lock = threading.Lock()

    def _count(self, limit: Limit, key: str, now: float) -> Verdict:
        window, reset_at = _window(limit, now)
        current = self._windows.get(limit.name)
        if current is None or current[0] != window:
            current = (window, {})
            self._windows[limit.name] = current
        counts = current[1]
        count = counts.get(key, 0) + 1
        counts[key] = count
        return _verdict(limit, count, reset_at)

    async def hit(self, limit: Limit, key: str) -> Verdict:
        now = time.time()
        with self._lock:
            return self._count(limit, key, now)

    async def hit_many(self, hits: Sequence[tuple[Limit, str]]) -> list[Verdict]:
        now = time.time()
        with self._lock:
            return [self._count(limit, key, now) for limit, key in hits]

    async def reset(self) -> None:
        with self._lock:
            self._windows.clear()


class RedisRateLimiter:
    """Counters in Redis, shared by every process and machine: one pipelined
    round trip per request, however many limits it counts against."""

    def __init__(self, redis: Redis, prefix: str = "weft:rl:") -> None:
        self.redis = redis
        self.prefix = prefix

    async def hit(self, limit: Limit, key: str) -> Verdict:
        return (await self.hit_many(((limit, key),)))[0]

    async def hit_many(self, hits: Sequence[tuple[Limit, str]]) -> list[Verdict]:
        now = time.time()
        windows = [_window(limit, now) for limit, _ in hits]
        async with self.redis.pipeline(transaction=False) as pipe:
            for (limit, key), (window, _) in zip(hits, windows, strict=True):
                redis_key = f"{self.prefix}{limit.name}:{key}:{window}"
                pipe.incr(redis_key)
                pipe.expire(redis_key, limit.period_seconds + 1, nx=True)
            results = await pipe.execute()
        return [
            _verdict(limit, int(results[2 * i]), reset_at)
            for i, ((limit, _), (_, reset_at)) in enumerate(zip(hits, windows, strict=True))
        ]

    async def reset(self) -> None:
        async for key in self.redis.scan_iter(match=f"{self.prefix}*"):
            await self.redis.delete(key)


class NoRateLimiter:
    """Every request allowed (WEFT_RATE_LIMITS=false: benchmarks only)."""

    async def hit(self, limit: Limit, key: str) -> Verdict:
        return Verdict(True, limit.limit, limit.limit, time.time() + limit.period_seconds)

    async def hit_many(self, hits: Sequence[tuple[Limit, str]]) -> list[Verdict]:
        return [await self.hit(limit, key) for limit, key in hits]

    async def reset(self) -> None:
        return None
