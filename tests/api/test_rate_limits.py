"""Rate limits, counted in memory (one process) and in Redis (shared by many)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest

from tests.api.helpers import PASSWORD, app_token, register_app, request_token, sign_up_request
from tests.backends import redis_db_url, require_redis
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.ratelimit import API, SIGN_IN, SIGN_UP, Limit, RedisRateLimiter


def wait_out_window_edge(limit: Limit, margin: float = 10) -> None:
    """Counts are per fixed window: don't start a run that would straddle two."""
    left = limit.period_seconds - time.time() % limit.period_seconds
    if left < margin:
        time.sleep(left + 0.5)


async def _delete_keys(prefix: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_db_url())
    try:
        async for key in redis.scan_iter(match=f"{prefix}*"):
            await redis.delete(key)
    finally:
        await redis.aclose()


@contextmanager
def limited_servers(server: LiveServer, kind: str, count: int) -> Iterator[list[LiveServer]]:
    """``count`` servers with rate limits on, on the test's database; with Redis,
    they share counters under a prefix of their own, deleted afterwards."""
    settings = server.settings.with_(rate_limits=True)
    if kind == "redis":
        require_redis()
        settings = settings.with_(redis_url=redis_db_url())
    prefix = f"weft:rl:test-{uuid.uuid4().hex[:12]}:"
    servers: list[LiveServer] = []
    try:
        for _ in range(count):
            live = LiveServer(settings).start()
            servers.append(live)
            if kind == "redis":
                limiter = live.app.state.runtime.limiter
                assert isinstance(limiter, RedisRateLimiter)
                limiter.prefix = prefix
        yield servers
    finally:
        for live in servers:
            live.stop()
        if kind == "redis":
            asyncio.run(_delete_keys(prefix))


@pytest.fixture(params=["memory", "redis"])
def limited(request: pytest.FixtureRequest, server: LiveServer) -> Iterator[LiveServer]:
    """A server with rate limits on, counting in memory or in Redis."""
    with limited_servers(server, request.param, 1) as servers:
        yield servers[0]


@pytest.fixture(params=["memory", "redis"])
def limited_pair(request: pytest.FixtureRequest, server: LiveServer) -> Iterator[list[LiveServer]]:
    """Two such servers (sharing their counts when on Redis)."""
    with limited_servers(server, request.param, 2) as servers:
        yield servers


def assert_limited(response: httpx.Response, limit: Limit) -> None:
    assert response.status_code == 429, response.text
    assert assert_conforms(response, "Error") == {"error": "Too many requests"}
    assert response.headers["X-RateLimit-Limit"] == str(limit.limit)
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert_reset_header(response, limit)
    assert int(response.headers["Retry-After"]) >= 1


def assert_reset_header(response: httpx.Response, limit: Limit) -> None:
    reset = datetime.fromisoformat(response.headers["X-RateLimit-Reset"])
    left = (reset - datetime.now(UTC)).total_seconds()
    assert 0 < left <= limit.period_seconds + 1


def test_sixth_sign_up_is_refused(limited: LiveServer) -> None:
    wait_out_window_edge(SIGN_UP)
    with limited.client() as http:
        token = app_token(http, register_app(http))
        for i in range(SIGN_UP.limit):
            response = sign_up_request(http, token, f"user{i}")
            assert response.status_code == 200, response.text
            assert response.headers["X-RateLimit-Limit"] == "5"
            assert response.headers["X-RateLimit-Remaining"] == str(SIGN_UP.limit - i - 1)
            assert_reset_header(response, SIGN_UP)
        response = sign_up_request(http, token, "one_too_many")
        assert_limited(response, SIGN_UP)
        # Other API calls are not held back by the sign-up limit.
        assert http.get("/api/v1/instance").status_code == 200


def test_sign_ups_counted_across_servers(limited_pair: list[LiveServer]) -> None:
    """On Redis, two servers share one count; in memory, each counts its own."""
    wait_out_window_edge(SIGN_UP)
    first, second = limited_pair
    shared = isinstance(first.app.state.runtime.limiter, RedisRateLimiter)
    with first.client() as a, second.client() as b:
        tokens = [app_token(a, register_app(a)), app_token(b, register_app(b))]
        for i in range(6):
            http, token = (a, tokens[0]) if i % 2 == 0 else (b, tokens[1])
            response = sign_up_request(http, token, f"user{i}")
            if i < 5 or not shared:
                assert response.status_code == 200, (i, response.text)
            else:
                assert_limited(response, SIGN_UP)


def test_password_grant_limit(limited: LiveServer) -> None:
    wait_out_window_edge(SIGN_IN)
    with limited.client() as http:
        app = register_app(http)
        assert sign_up_request(http, app_token(http, app), "alice").status_code == 200
        for i in range(SIGN_IN.limit):
            # A few real guesses; the rest leave the password out (every attempt
            # counts, and those skip the slow password hash).
            guess = {"password": f"guess {i}"} if i < 3 else {}
            response = request_token(http, app, grant_type="password", username="alice", **guess)
            assert response.status_code == 400, response.text
            assert response.headers["X-RateLimit-Limit"] == str(SIGN_IN.limit)
            assert response.headers["X-RateLimit-Remaining"] == str(SIGN_IN.limit - i - 1)
        # Even the right password is refused now: guessing has to wait.
        response = request_token(
            http, app, grant_type="password", username="alice", password=PASSWORD
        )
        assert_limited(response, SIGN_IN)
        # Grants that are not sign-ins are not held back by it.
        assert request_token(http, app, grant_type="client_credentials").status_code == 200


def test_headers_on_ordinary_calls(limited: LiveServer) -> None:
    with limited.client() as http:
        first = http.get("/api/v1/instance")
        second = http.get("/api/v2/instance")
    assert first.status_code == second.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == str(API.limit)
    remaining = int(first.headers["X-RateLimit-Remaining"])
    assert 0 <= remaining < API.limit
    assert_reset_header(first, API)
    assert int(second.headers["X-RateLimit-Remaining"]) in (remaining - 1, API.limit - 1)


def test_no_limits_when_turned_off(client: httpx.Client) -> None:
    token = app_token(client, register_app(client))
    for i in range(SIGN_UP.limit + 1):
        assert sign_up_request(client, token, f"user{i}").status_code == 200
