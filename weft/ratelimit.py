"""Rate limits: fixed windows counted in memory (embedded) or in Redis (scaled).

Fixed windows, like Mastodon's rack-attack throttles: simple, one counter per
key and window, and every process sharing Redis sees the same count.
"""

from __future__ import annotations

import math
import threading
import time
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


# Mastodon's own throttles, where it has one for the same thing.
SIGN_UP = Limit("sign_up", 5, 30 * 60)
SIGN_IN = Limit("sign_in", 25, 5 * 60)
OAUTH_TOKEN = Limit("oauth_token", 50, 5 * 60)
API = Limit("api", 300, 5 * 60)


class RateLimiter(Protocol):
    async def hit(self, limit: Limit, key: str) -> Verdict: ...

    async def reset(self) -> None: ...


def _window(limit: Limit, now: float) -> tuple[int, float]:
    index = math.floor(now / limit.period_seconds)
    return index, (index + 1) * limit.period_seconds


class MemoryRateLimiter:
    """Counters in this process: right for the embedded, single-process server."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()
        self._last_sweep = 0.0

    async def hit(self, limit: Limit, key: str) -> Verdict:
        now = time.time()
        window, reset_at = _window(limit, now)
        with self._lock:
            self._sweep(now)
            slot = (limit.name, key, window)
            count = self._counts.get(slot, 0) + 1
            self._counts[slot] = count
        return Verdict(count <= limit.limit, limit.limit, max(0, limit.limit - count), reset_at)

    def _sweep(self, now: float) -> None:
        if now - self._last_sweep < 60:
            return
        self._last_sweep = now
        # Drop windows that have ended; the longest period decides nothing here,
        # since each key carries its own window index.
        stale = [slot for slot in self._counts if (slot[2] + 1) * _period_of(slot[0]) < now]
        for slot in stale:
            del self._counts[slot]

    async def reset(self) -> None:
        with self._lock:
            self._counts.clear()


_PERIODS = {limit.name: limit.period_seconds for limit in (SIGN_UP, SIGN_IN, OAUTH_TOKEN, API)}


def _period_of(name: str) -> int:
    return _PERIODS.get(name, 3600)


class RedisRateLimiter:
    """Counters in Redis, shared by every process and machine."""

    def __init__(self, redis: Redis, prefix: str = "weft:rl:") -> None:
        self.redis = redis
        self.prefix = prefix

    async def hit(self, limit: Limit, key: str) -> Verdict:
        now = time.time()
        window, reset_at = _window(limit, now)
        redis_key = f"{self.prefix}{limit.name}:{key}:{window}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, limit.period_seconds + 1, nx=True)
            count, _ = await pipe.execute()
        count = int(count)
        return Verdict(count <= limit.limit, limit.limit, max(0, limit.limit - count), reset_at)

    async def reset(self) -> None:
        async for key in self.redis.scan_iter(match=f"{self.prefix}*"):
            await self.redis.delete(key)


class NoRateLimiter:
    """Every request allowed (WEFT_RATE_LIMITS=false: benchmarks, trusted setups)."""

    async def hit(self, limit: Limit, key: str) -> Verdict:
        return Verdict(True, limit.limit, limit.limit, time.time() + limit.period_seconds)

    async def reset(self) -> None:
        return None
