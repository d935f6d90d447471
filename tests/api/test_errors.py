"""Bad input answers a clear 4xx in Mastodon's error form, never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.api.helpers import OOB, Person, app_token, register_app
from tests.openapi import assert_conforms

ODD_VALUES: list[Any] = [
    0,
    -1,
    1e308,
    True,
    None,
    [],
    ["a", "b"],
    {},
    {"nested": {"deeper": [1, 2]}},
    "",
    "x" * 100_000,
    "\u202e\U0001f600 zalgo z̷̢̛a̸l̷g̸o",
    "null\x00byte",
    "\ud800",  # a lone surrogate: not encodable as UTF-8
]


def assert_error_body(response: httpx.Response) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    body = response.json()
    assert isinstance(body, dict)
    assert isinstance(body["error"], str)
    assert body["error"]
    assert_conforms(response, "Error")
    return body


def send_json(client: httpx.Client, method: str, path: str, body: Any, **kw: Any) -> httpx.Response:
    # Lone surrogates are sent escaped (\ud800), as JSON allows.
    raw = json.dumps(body, ensure_ascii=True).encode()
    return client.request(
        method, path, content=raw, headers={"Content-Type": "application/json", **kw}
    )


def test_malformed_json_body(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/apps",
        content=b'{"client_name": "x",',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert assert_error_body(response) == {"error": "The request body is not valid JSON"}


def test_json_body_that_is_not_an_object(client: httpx.Client) -> None:
    for body in (b'["client_name"]', b'"text"', b"42", b"null"):
        response = client.post(
            "/api/v1/apps", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, body
        assert assert_error_body(response) == {"error": "The request body must be a JSON object"}


def test_json_body_that_is_not_utf8(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/apps",
        content=b'{"client_name": "\xff\xfe"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert assert_error_body(response) == {"error": "The request body is not valid JSON"}


def test_malformed_json_on_the_token_endpoint(client: httpx.Client) -> None:
    response = client.post(
        "/oauth/token", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert assert_error_body(response) == {"error": "The request body is not valid JSON"}


def test_rails_names_that_clash(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/apps",
        content="redirect_uris=a&redirect_uris[]=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert assert_error_body(response) == {
        "error": "Parameter 'redirect_uris[]' mixes list and object forms"
    }


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v2/accounts", "/api/v1/accounts/1/nope", "/api/"]
)
def test_unknown_api_route(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert assert_error_body(response) == {"error": "Record not found"}


def test_wrong_method(client: httpx.Client) -> None:
    response = client.delete("/api/v1/apps")
    assert response.status_code == 405
    assert assert_error_body(response) == {"error": "Method not allowed"}


def check_answers(responses: list[tuple[Any, httpx.Response]]) -> None:
    """Every answer is a success matching its schema, or a 4xx ``{"error": ...}``."""
    problems = []
    for value, response in responses:
        try:
            if response.status_code == 200:
                assert_conforms(response)
            else:
                assert_error_body(response)
        except AssertionError as error:
            problems.append(f"{value!r:.60}: {error}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("field", ["client_name", "redirect_uris", "scopes", "website"])
def test_fuzz_create_app(client: httpx.Client, field: str) -> None:
    answers = []
    for value in ODD_VALUES:
        body = {"client_name": "Fuzz", "redirect_uris": OOB, field: value}
        answers.append((value, send_json(client, "POST", "/api/v1/apps", body)))
    for value in ["x" * 100_000, "null\x00byte", "\u202e\U0001f600"]:
        data = {"client_name": "Fuzz", "redirect_uris": OOB, field: value}
        answers.append((value, client.post("/api/v1/apps", data=data)))
    check_answers(answers)


@pytest.mark.parametrize(
    "field", ["username", "email", "password", "agreement", "locale", "reason"]
)
def test_fuzz_sign_up(client: httpx.Client, field: str) -> None:
    token = app_token(client, register_app(client))
    answers = []
    for i, value in enumerate(ODD_VALUES):
        body = {
            "username": f"fuzz{i}",
            "email": f"fuzz{i}@example.com",
            "password": "long enough pw",
            "agreement": True,
            field: value,
        }
        headers = {"Authorization": f"Bearer {token}"}
        answers.append((value, send_json(client, "POST", "/api/v1/accounts", body, **headers)))
    check_answers(answers)


@pytest.mark.parametrize(
    "field",
    ["grant_type", "client_id", "client_secret", "scope", "username", "password", "refresh_token"],
)
def test_fuzz_token(client: httpx.Client, api_alice: Person, field: str) -> None:
    answers = []
    for value in ODD_VALUES:
        body = {
            "grant_type": "refresh_token" if field == "refresh_token" else "password",
            "client_id": api_alice.app.client_id,
            "client_secret": api_alice.app.client_secret,
            "username": "alice",
            "password": api_alice.password,
            field: value,
        }
        answers.append((value, send_json(client, "POST", "/oauth/token", body)))
    check_answers(answers)


@pytest.mark.parametrize(
    "field",
    ["display_name", "note", "locked", "bot", "fields_attributes", "source", "discoverable"],
)
def test_fuzz_update_credentials(client: httpx.Client, api_alice: Person, field: str) -> None:
    headers = {"Authorization": f"Bearer {api_alice.token}"}
    answers = [
        (
            value,
            send_json(
                client, "PATCH", "/api/v1/accounts/update_credentials", {field: value}, **headers
            ),
        )
        for value in ODD_VALUES
    ]
    check_answers(answers)


@pytest.mark.parametrize(
    "value",
    [
        [1],
        ["x"],
        [{"name": 1}],
        [{"name": ["a"], "value": {}}],
        {"0": {"name": "a"}, "x": {}},
        {"0": "not an object"},
        [{"name": "n", "value": "v" * 256}],
        [{"name": "n\x00", "value": "v"}],
    ],
)
def test_fuzz_profile_fields(client: httpx.Client, api_alice: Person, value: Any) -> None:
    response = send_json(
        client,
        "PATCH",
        "/api/v1/accounts/update_credentials",
        {"fields_attributes": value},
        Authorization=f"Bearer {api_alice.token}",
    )
    assert_error_body(response)


@pytest.mark.parametrize(
    "source",
    [
        {"privacy": 5},
        {"privacy": ["public"]},
        {"language": {"en": 1}},
        {"sensitive": []},
        {"privacy": "public\x00"},
    ],
)
def test_fuzz_profile_source(client: httpx.Client, api_alice: Person, source: Any) -> None:
    response = send_json(
        client,
        "PATCH",
        "/api/v1/accounts/update_credentials",
        {"source": source},
        Authorization=f"Bearer {api_alice.token}",
    )
    assert_error_body(response)


@pytest.mark.parametrize(
    "acct", ["x" * 10_000, "a\x00b", "@@@", "a@b@c", "\u202e", "alice@" + "d" * 5000, "%"]
)
def test_fuzz_lookup(client: httpx.Client, acct: str) -> None:
    response = client.get("/api/v1/accounts/lookup", params={"acct": acct})
    assert response.status_code == 404
    assert_error_body(response)


@pytest.mark.parametrize(
    "account_id",
    ["%00", "1%001", "%D9%A3", "%C2%B2", "0x10", "%201", "9223372036854775808", "%FF"],
)
def test_fuzz_account_id(client: httpx.Client, account_id: str) -> None:
    response = client.get("/api/v1/accounts/" + account_id)
    assert response.status_code == 404
    assert_error_body(response)


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b c", "Basic !!!", "Basic " + "x" * 10_000, "Bearer \u00e9"],
)
def test_odd_authorization_headers(client: httpx.Client, header: str) -> None:
    response = client.get(
        "/api/v1/accounts/verify_credentials", headers={"Authorization": header.encode("utf-8")}
    )
    assert response.status_code == 401
    assert_error_body(response)
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": header.encode("utf-8")},
    )
    assert response.status_code == 401
    assert_error_body(response)


def test_odd_basic_credentials(client: httpx.Client) -> None:
    import base64

    for raw in (b"\x00:\x00", b"no-colon", b"\xff\xfe:x", "é:é".encode()):
        header = "Basic " + base64.b64encode(raw).decode()
        response = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": header},
        )
        assert response.status_code == 401, raw
        assert_error_body(response)


def test_bearer_token_with_odd_characters(client: httpx.Client) -> None:
    response = client.get(
        "/api/v1/accounts/verify_credentials", params={"access_token": "a\x00b\u202e"}
    )
    assert response.status_code == 401
    assert_error_body(response)


DEEP_JSON = b"[" * 1000 + b"]" * 1000


@pytest.mark.parametrize("path", ["/api/v1/apps", "/oauth/token", "/api/v1/accounts"])
def test_deeply_nested_json_is_refused(client: httpx.Client, path: str) -> None:
    headers = {"Content-Type": "application/json"}
    if path == "/api/v1/accounts":  # sign-up asks for an app's token first
        headers["Authorization"] = f"Bearer {app_token(client, register_app(client))}"
    for body in (DEEP_JSON, b'{"a":' * 1000 + b"1" + b"}" * 1000):
        response = client.post(path, content=body, headers=headers)
        assert response.status_code == 400
        assert response.json() == {"error": "The JSON is nested deeper than 64 levels"}


def test_an_oversized_json_body_is_refused(client: httpx.Client) -> None:
    body = json.dumps({"client_name": "x" * (1024 * 1024)}).encode()
    response = client.post(
        "/api/v1/apps", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert assert_error_body(response) == {"error": "The request body is larger than 1048576 bytes"}
