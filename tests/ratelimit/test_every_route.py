"""Rate limits on every door: the headers on every API route's answer, Mastodon's
default numbers and the 429 they end in, in memory and in Redis."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.api.test_rate_limits import (
    assert_limited,
    assert_reset_header,
    limited_servers,
    wait_out_window_edge,
)
from tests.factories import Person
from tests.live import LiveServer
from tests.web.helpers import csrf_of
from weft.ratelimit import API, DELETES, SIGN_IN

HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
# Answers that stream for as long as the client listens.
STREAMS = re.compile(r"^/api/v1/streaming")


@pytest.fixture(params=["memory", "redis"])
def limited(request: pytest.FixtureRequest, server: LiveServer) -> Iterator[LiveServer]:
    with limited_servers(server, request.param, 1) as servers:
        yield servers[0]


@pytest.fixture
def memory_limited(server: LiveServer) -> Iterator[LiveServer]:
    with limited_servers(server, "memory", 1) as servers:
        yield servers[0]


def _operations(http: httpx.Client) -> list[tuple[str, str]]:
    document = http.get("/openapi.json").json()
    found = []
    for path, item in document["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return found


def test_every_api_route_answers_with_the_headers(
    memory_limited: LiveServer, alice: Person
) -> None:
    with memory_limited.client() as http:
        operations = _operations(http)
        assert len(operations) > 100
        for method, path in operations:
            if STREAMS.match(path) and method == "GET":
                # Asked without a token: refused at once, so the answer ends.
                response = http.request(method, path)
            else:
                # alice's token: each route does its real work (or refuses the dummy id),
                # and one token's 300 are more than the walk needs... per anonymous IP too.
                response = http.request(method, path, headers=alice.auth)
            assert response.status_code < 500, (method, path, response.text)
            missing = [name for name in HEADERS if name not in response.headers]
            assert not missing, (method, path, response.status_code, missing)


def test_the_headers_count_down_per_token_and_per_ip(limited: LiveServer, alice: Person) -> None:
    wait_out_window_edge(API)
    with limited.client() as http:
        first = http.get("/api/v1/timelines/home", headers=alice.auth)
        second = http.get("/api/v1/timelines/home", headers=alice.auth)
        anonymous = http.get("/api/v1/timelines/public")
    assert first.status_code == second.status_code == anonymous.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "300"
    assert first.headers["X-RateLimit-Remaining"] == "299"
    assert second.headers["X-RateLimit-Remaining"] == "298"
    # Anonymous requests count per IP, apart from the token's.
    assert anonymous.headers["X-RateLimit-Remaining"] == "299"
    assert_reset_header(first, API)


def test_300_requests_then_429(limited: LiveServer, alice: Person) -> None:
    wait_out_window_edge(API, margin=60)
    with limited.client() as http:
        for i in range(API.limit):
            response = http.get("/api/v1/markers", headers=alice.auth)
            assert response.status_code == 200, (i, response.text)
        assert response.headers["X-RateLimit-Remaining"] == "0"
        refused = http.get("/api/v1/timelines/home", headers=alice.auth)
        assert_limited(refused, API)
        # Another caller is not held back by alice's count.
        assert http.get("/api/v1/instance").status_code == 200


def test_deletes_are_held_tighter(limited: LiveServer, alice: Person) -> None:
    wait_out_window_edge(DELETES)
    with limited.client() as http:
        for i in range(DELETES.limit):
            response = http.delete("/api/v1/statuses/1", headers=alice.auth)
            assert response.status_code == 404, response.text
            # The tighter limit's numbers are the ones shown.
            assert response.headers["X-RateLimit-Limit"] == "30"
            assert response.headers["X-RateLimit-Remaining"] == str(DELETES.limit - i - 1)
        assert_limited(http.delete("/api/v1/statuses/1", headers=alice.auth), DELETES)
        # Reading is not held back by it.
        assert http.get("/api/v1/statuses/1", headers=alice.auth).status_code == 404


def test_web_sign_in_attempts_end_in_a_429_page(limited: LiveServer) -> None:
    wait_out_window_edge(SIGN_IN)
    with limited.client() as http:
        csrf = csrf_of(http.get("/auth/sign_in"))
        form = {"csrf_token": csrf, "login": "nobody", "password": "guess"}
        for i in range(SIGN_IN.limit):
            response = http.post("/auth/sign_in", data=form)
            assert response.status_code == 422, response.text
            assert response.headers["X-RateLimit-Remaining"] == str(SIGN_IN.limit - i - 1)
        refused = http.post("/auth/sign_in", data=form)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert "Slow down" in refused.text
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["X-RateLimit-Limit"] == str(SIGN_IN.limit)
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_pages_read_with_get_are_not_counted(limited: LiveServer) -> None:
    with limited.client() as http:
        page = http.get("/auth/sign_in")
    assert page.status_code == 200
    assert "X-RateLimit-Limit" not in page.headers
