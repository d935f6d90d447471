"""Counting a request against a rate limit, for every door (API, web, OAuth).

The limiter itself is ``weft.ratelimit``; this adds the caller's address and
Mastodon's ``X-RateLimit-*`` headers, and raises ``RateLimited`` (each door
renders it its own way).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request, Response

from weft.errors import RateLimited
from weft.ratelimit import Limit
from weft.runtime import runtime_of


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit_headers(limit: int, remaining: int, reset_at: float) -> dict[str, str]:
    reset = datetime.fromtimestamp(reset_at, UTC).isoformat(timespec="milliseconds")
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": reset.replace("+00:00", "Z"),
    }


async def check_rate(request: Request, response: Response, limit: Limit, key: str) -> None:
    """Count a request of ``key`` against ``limit``; ``RateLimited`` past it."""
    verdict = await runtime_of(request).limiter.hit(limit, key)
    response.headers.update(rate_limit_headers(verdict.limit, verdict.remaining, verdict.reset_at))
    if not verdict.allowed:
        raise RateLimited(verdict.limit, verdict.reset_at)
