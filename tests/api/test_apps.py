"""POST /api/v1/apps and GET /api/v1/apps/verify_credentials."""

from __future__ import annotations

import httpx
import pytest

from tests.api.helpers import OOB, app_token, bearer, register_app
from tests.openapi import assert_conforms


def test_register_with_form_data_defaults_to_read(client: httpx.Client) -> None:
    response = client.post("/api/v1/apps", data={"client_name": "Tusky", "redirect_uris": OOB})
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["name"] == "Tusky"
    assert body["scopes"] == ["read"]
    assert body["redirect_uris"] == [OOB]
    assert body["redirect_uri"] == OOB
    assert body["client_id"]
    assert body["client_secret"]
    assert body["client_id"] != body["client_secret"]


def test_register_with_json(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/apps",
        json={
            "client_name": "Ivory",
            "redirect_uris": "https://ivory.example/callback",
            "scopes": "read write:accounts profile",
            "website": "https://ivory.example",
        },
    )
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["scopes"] == ["read", "write:accounts", "profile"]
    assert body["website"] == "https://ivory.example"
    assert body["redirect_uris"] == ["https://ivory.example/callback"]


def test_several_redirect_uris_in_one_string(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/apps",
        data={
            "client_name": "Multi",
            "redirect_uris": "https://a.example/cb\nhttps://b.example/cb " + OOB,
        },
    )
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["redirect_uris"] == ["https://a.example/cb", "https://b.example/cb", OOB]
    assert body["redirect_uri"] == f"https://a.example/cb\nhttps://b.example/cb\n{OOB}"


def test_redirect_uris_as_a_json_array(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/apps",
        json={"client_name": "Arr", "redirect_uris": ["https://a.example/cb", "myapp://oauth"]},
    )
    assert response.status_code == 200
    assert assert_conforms(response)["redirect_uris"] == ["https://a.example/cb", "myapp://oauth"]


def test_redirect_uris_as_a_form_array(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/apps",
        content="client_name=Arr&redirect_uris[]=https%3A%2F%2Fa.example%2Fcb"
        "&redirect_uris[]=https%3A%2F%2Fb.example%2Fcb",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["redirect_uris"] == ["https://a.example/cb", "https://b.example/cb"]


def test_unknown_scope_is_refused(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/apps",
        data={"client_name": "Bad", "redirect_uris": OOB, "scopes": "read bogus:stuff"},
    )
    assert response.status_code == 422
    body = assert_conforms(response)
    assert body["error"] == "Validation failed: scopes includes unknown scopes: bogus:stuff"
    assert body["details"]["scopes"][0]["error"] == "ERR_INVALID"


def test_missing_client_name_is_refused(client: httpx.Client) -> None:
    response = client.post("/api/v1/apps", data={"redirect_uris": OOB})
    assert response.status_code == 422
    body = assert_conforms(response)
    assert body["error"] == "Validation failed: client_name can't be blank"
    assert body["details"] == {
        "client_name": [{"error": "ERR_BLANK", "description": "can't be blank"}]
    }


def test_blank_client_name_is_refused(client: httpx.Client) -> None:
    response = client.post("/api/v1/apps", data={"client_name": "  ", "redirect_uris": OOB})
    assert response.status_code == 422
    assert assert_conforms(response)["error"] == "Validation failed: client_name can't be blank"


@pytest.mark.parametrize(
    ("uris", "message"),
    [
        ("", "redirect_uris can't be blank"),
        ("/relative/path", "redirect_uris must be absolute URIs ('/relative/path' is not)"),
        ("https://a.example/cb#frag", "redirect_uris must not contain a fragment"),
    ],
)
def test_bad_redirect_uris_are_refused(client: httpx.Client, uris: str, message: str) -> None:
    response = client.post("/api/v1/apps", data={"client_name": "X", "redirect_uris": uris})
    assert response.status_code == 422
    assert assert_conforms(response)["error"] == f"Validation failed: {message}"


def test_missing_redirect_uris_is_refused(client: httpx.Client) -> None:
    response = client.post("/api/v1/apps", data={"client_name": "X"})
    assert response.status_code == 422
    assert assert_conforms(response)["error"] == "Validation failed: redirect_uris can't be blank"


def test_verify_credentials_with_an_app_token(client: httpx.Client) -> None:
    app = register_app(client, scopes="read write")
    token = app_token(client, app, scope="read")
    response = client.get("/api/v1/apps/verify_credentials", headers=bearer(token))
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["name"] == "Tester"
    assert body["scopes"] == ["read", "write"]
    assert "client_secret" not in body


def test_verify_credentials_needs_a_valid_token(client: httpx.Client) -> None:
    response = client.get("/api/v1/apps/verify_credentials")
    assert response.status_code == 401
    assert assert_conforms(response) == {"error": "The access token is invalid"}
    response = client.get("/api/v1/apps/verify_credentials", headers=bearer("nope"))
    assert response.status_code == 401
    assert assert_conforms(response) == {"error": "The access token is invalid"}
