"""Counting every request against its rate limits, for every door (API, web, OAuth).

The limiter itself is ``weft.ratelimit``. :class:`RateLimits` is the one ASGI
middleware that counts every API and OAuth request and every web form: each
counts against the general limit (300 per 5 minutes per token, or per IP
without one) and, on the routes Mastodon holds tighter (sign-up, sign-in,
media, posting, deleting, follows, reports), against that route's limit too;
every answer carries Mastodon's ``X-RateLimit-*`` headers (the tighter limit's
where one applies), and a request past a limit gets a 429 with ``Retry-After``.

Handlers that count more (the password grant's sign-in attempts, a second
factor's attempts per account) call :func:`check_rate`; headers they set are
left alone by the middleware.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from weft.errors import RateLimited
from weft.ratelimit import (
    API,
    DELETES,
    FOLLOWS,
    MEDIA,
    OAUTH_TOKEN,
    REPORTS,
    SIGN_IN,
    SIGN_UP,
    STATUSES,
    Limit,
    RateLimiter,
    Verdict,
)
from weft.runtime import runtime_of

log = logging.getLogger("weft.throttling")

Refusal = Callable[[Request, RateLimited], Response]

# The tighter limits, by method and path: (limit, counted per IP rather than per caller).
_EXACT: dict[tuple[str, str], tuple[Limit, bool]] = {
    ("POST", "/api/v1/accounts"): (SIGN_UP, True),
    ("POST", "/auth/sign_up"): (SIGN_UP, True),
    ("POST", "/auth/sign_in"): (SIGN_IN, True),
    ("POST", "/auth/two_factor"): (SIGN_IN, True),
    ("POST", "/oauth/token"): (OAUTH_TOKEN, True),
    ("POST", "/api/v1/media"): (MEDIA, False),
    ("POST", "/api/v2/media"): (MEDIA, False),
    ("POST", "/api/v1/statuses"): (STATUSES, False),
    ("POST", "/compose"): (STATUSES, False),
    ("POST", "/api/v1/reports"): (REPORTS, False),
}
_PATTERNS: tuple[tuple[str, re.Pattern[str], Limit], ...] = (
    ("POST", re.compile(r"/api/v1/statuses/[^/]+/reblog"), STATUSES),
    ("POST", re.compile(r"/api/v1/statuses/[^/]+/unreblog"), DELETES),
    ("DELETE", re.compile(r"/api/v1/statuses/[^/]+"), DELETES),
    ("POST", re.compile(r"/statuses/[^/]+/delete"), DELETES),
    ("POST", re.compile(r"/api/v1/accounts/[^/]+/follow"), FOLLOWS),
    ("POST", re.compile(r"/api/v1/follows"), FOLLOWS),
)


def route_limit(method: str, path: str) -> tuple[Limit, bool] | None:
    """The tighter limit on ``method path``, if it has one (GETs never do)."""
    if method == "GET":
        return None
    exact = _EXACT.get((method, path))
    if exact is not None:
        return exact
    for wanted, pattern, limit in _PATTERNS:
        if wanted == method and pattern.fullmatch(path):
            return limit, False
    return None


def counted(method: str, path: str) -> bool:
    """Every API and OAuth request, and every web form; not the inboxes (other
    servers' deliveries) nor pages, files and documents read with GET."""
    if path.startswith(("/api/", "/oauth/", "/.well-known/oauth-authorization-server")):
        return True
    return method not in ("GET", "HEAD", "OPTIONS") and not path.endswith("/inbox")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@functools.lru_cache(maxsize=64)
def _reset_text(reset_at: float) -> str:
    # A window's end is shared by every request in it: formatted once.
    reset = datetime.fromtimestamp(reset_at, UTC).isoformat(timespec="milliseconds")
    return reset.replace("+00:00", "Z")


def rate_limit_headers(limit: int, remaining: int, reset_at: float) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": _reset_text(reset_at),
    }


def _raw_headers(verdict: Verdict) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", str(verdict.limit).encode()),
        (b"x-ratelimit-remaining", str(verdict.remaining).encode()),
        (b"x-ratelimit-reset", _reset_text(verdict.reset_at).encode()),
    ]


async def check_rate(request: Request, response: Response, limit: Limit, key: str) -> None:
    """Count a request of ``key`` against ``limit``; ``RateLimited`` past it."""
    verdict = await runtime_of(request).limiter.hit(limit, key)
    response.headers.update(rate_limit_headers(verdict.limit, verdict.remaining, verdict.reset_at))
    if not verdict.allowed:
        raise RateLimited(verdict.limit, verdict.reset_at)


def _caller(scope: Scope, session_cookie: str) -> str | None:
    """The bearer token's (else the browser session's) hash: whose requests these are."""
    session = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return "t:" + _digest(token.strip())
        elif name == b"cookie":
            marker = f"{session_cookie}="
            for part in value.decode("latin-1").split(";"):
                part = part.strip()
                if part.startswith(marker) and len(part) > len(marker):
                    session = "s:" + _digest(part[len(marker) :])
    return session


def _digest(secret: str) -> str:
    # Counters are keyed by a hash: Redis never holds a usable credential.
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


class RateLimits:
    """The ASGI middleware counting every request (see the module's docstring)."""

    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, refuse: Refusal, session_cookie: str
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.refuse = refuse
        self.session_cookie = session_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not counted(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        client = scope.get("client")
        ip = "ip:" + (client[0] if client else "unknown")
        caller = _caller(scope, self.session_cookie) or ip
        hits = [(API, caller)]
        tighter = route_limit(method, path)
        if tighter is not None:
            limit, by_ip = tighter
            hits.append((limit, ip if by_ip else caller))
        try:
            verdicts = await self.limiter.hit_many(hits)
        except Exception:
            # A limiter that can't count (Redis away) must not take the site down with it.
            log.exception("rate limits not counted for %s %s", method, path)
            await self.app(scope, receive, send)
            return
        refused = next((v for v in reversed(verdicts) if not v.allowed), None)
        if refused is not None:
            error = RateLimited(refused.limit, refused.reset_at)
            await self.refuse(Request(scope, receive), error)(scope, receive, send)
            return
        headers = _raw_headers(verdicts[-1])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = message.get("headers", [])
                if not any(name == b"x-ratelimit-limit" for name, _ in present):
                    message["headers"] = [*present, *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
