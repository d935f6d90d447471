"""Browser clients on other origins may call the client API (CORS, as Mastodon
answers it); the web app's cookie-authenticated pages never answer CORS."""

from __future__ import annotations

import httpx
import pytest

from tests.api.helpers import bearer
from tests.factories import Person
from weft.app import create_app
from weft.config import Settings

ORIGIN = "https://client.example"
CLIENT_PATHS = [
    "/api/v1/apps",
    "/api/v1/timelines/home",
    "/api/v1/statuses/1",
    "/api/v2/instance",
    "/oauth/token",
    "/oauth/revoke",
    "/oauth/userinfo",
    "/.well-known/webfinger",
    "/.well-known/nodeinfo",
    "/nodeinfo/2.0",
]
WEB_PAGES = ["/", "/@alice", "/oauth/authorize", "/settings", "/auth/sign_in"]


def preflight(client: httpx.Client, path: str, method: str = "POST") -> httpx.Response:
    return client.options(
        path,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )


def header_list(response: httpx.Response, name: str) -> set[str]:
    return {part.strip().lower() for part in response.headers.get(name, "").split(",")}


@pytest.mark.parametrize("path", CLIENT_PATHS)
def test_a_preflight_on_a_client_path_is_allowed(client: httpx.Client, path: str) -> None:
    response = preflight(client, path)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert {"get", "post", "put", "patch", "delete"} <= header_list(
        response, "access-control-allow-methods"
    )
    assert {"authorization", "content-type", "idempotency-key"} <= header_list(
        response, "access-control-allow-headers"
    )


def test_a_preflight_asking_for_another_header_is_refused(client: httpx.Client) -> None:
    response = client.options(
        "/api/v1/apps",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-secret",
        },
    )
    assert response.status_code == 400


def test_a_simple_request_exposes_the_paging_and_rate_limit_headers(
    client: httpx.Client, alice: Person
) -> None:
    response = client.get(
        "/api/v1/timelines/home", headers={"Origin": ORIGIN, **bearer(alice.token)}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert header_list(response, "access-control-expose-headers") == {
        "link",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    }


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/timelines/home", 401),
        ("GET", "/api/v2/instance", 200),
        ("POST", "/oauth/token", 401),
        ("POST", "/oauth/revoke", 422),
        ("GET", "/oauth/userinfo", 401),
        ("GET", "/.well-known/nodeinfo", 200),
        ("GET", "/nodeinfo/2.0", 200),
    ],
)
def test_answers_and_refusals_carry_the_cors_headers(
    client: httpx.Client, method: str, path: str, status: int
) -> None:
    response = client.request(method, path, headers={"Origin": ORIGIN})
    assert response.status_code == status, response.text
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", WEB_PAGES)
def test_web_pages_answer_no_cors(client: httpx.Client, alice: Person, path: str) -> None:
    response = client.get(path, headers={"Origin": ORIGIN})
    assert response.status_code < 500, (path, response.status_code)
    assert not [name for name in response.headers if name.startswith("access-control-")]
    refused = preflight(client, path)
    assert "access-control-allow-origin" not in refused.headers
    assert refused.status_code == 405


async def test_a_crash_on_the_api_is_readable_across_origins(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/api/v1/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://weft.test") as http:
            response = await http.get("/api/v1/crash", headers={"Origin": ORIGIN})
    finally:
        await app.state.runtime.close()
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error"}
    assert response.headers["access-control-allow-origin"] == "*"
