"""POST /oauth/token, /oauth/revoke, server metadata, and scopes on API calls."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.api.helpers import (
    App,
    Person,
    app_token,
    bearer,
    password_token,
    query,
    register_app,
    request_token,
    sign_up,
)
from tests.live import LiveServer
from tests.openapi import assert_conforms

VERIFY = "/api/v1/accounts/verify_credentials"
UPDATE = "/api/v1/accounts/update_credentials"
OUTSIDE_SCOPES = {"error": "This action is outside the authorized scopes"}
INVALID_TOKEN = {"error": "The access token is invalid"}


def basic(app: App, secret: str | None = None) -> dict[str, str]:
    raw = f"{app.client_id}:{secret or app.client_secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


# -- client_credentials


def test_client_credentials_defaults_to_read(client: httpx.Client) -> None:
    app = register_app(client, scopes="read write")
    response = request_token(client, app, grant_type="client_credentials")
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read"
    assert "refresh_token" not in body


def test_client_credentials_with_a_subset_of_the_apps_scopes(client: httpx.Client) -> None:
    app = register_app(client, scopes="read write")
    response = request_token(client, app, grant_type="client_credentials", scope="write:accounts")
    assert response.status_code == 200
    assert assert_conforms(response)["scope"] == "write:accounts"


@pytest.mark.parametrize("scope", ["follow", "read push", "admin:read", "nonsense"])
def test_client_credentials_beyond_the_apps_scopes(client: httpx.Client, scope: str) -> None:
    app = register_app(client, scopes="read write")
    response = request_token(client, app, grant_type="client_credentials", scope=scope)
    assert response.status_code == 400
    body = assert_conforms(response)
    assert body["error"] == "invalid_scope"
    assert body["error_description"]


# -- password grant


@pytest.mark.parametrize("login", ["alice", "alice@example.com", "ALICE@Example.com", "@alice"])
def test_password_grant_by_username_or_email(
    client: httpx.Client, api_alice: Person, login: str
) -> None:
    response = request_token(
        client,
        api_alice.app,
        grant_type="password",
        username=login,
        password=api_alice.password,
        scope="read write",
    )
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["scope"] == "read write"
    assert body["refresh_token"]
    me = client.get(VERIFY, headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == api_alice.id


@pytest.mark.parametrize(
    ("login", "password"), [("alice", "wrong password!"), ("nobody", "correct horse battery")]
)
def test_password_grant_with_wrong_credentials(
    client: httpx.Client, api_alice: Person, login: str, password: str
) -> None:
    response = request_token(
        client, api_alice.app, grant_type="password", username=login, password=password
    )
    assert response.status_code == 400
    assert assert_conforms(response) == {
        "error": "invalid_grant",
        "error_description": "Invalid email, username or password",
    }


def test_password_grant_without_a_password(client: httpx.Client, api_alice: Person) -> None:
    response = request_token(client, api_alice.app, grant_type="password", username="alice")
    assert response.status_code == 400
    assert assert_conforms(response) == {
        "error": "invalid_request",
        "error_description": "Missing required parameter: username or password",
    }


# -- refresh tokens


def test_refresh_token_rotation(client: httpx.Client, api_alice: Person) -> None:
    assert api_alice.refresh_token
    response = request_token(
        client, api_alice.app, grant_type="refresh_token", refresh_token=api_alice.refresh_token
    )
    assert response.status_code == 200
    fresh = assert_conforms(response)
    assert fresh["access_token"] != api_alice.token
    assert fresh["refresh_token"] != api_alice.refresh_token
    assert fresh["scope"] == "read write follow"

    assert client.get(VERIFY, headers=bearer(fresh["access_token"])).status_code == 200
    old = client.get(VERIFY, headers=bearer(api_alice.token))
    assert old.status_code == 401
    assert assert_conforms(old) == INVALID_TOKEN

    again = request_token(
        client, api_alice.app, grant_type="refresh_token", refresh_token=api_alice.refresh_token
    )
    assert again.status_code == 400
    assert assert_conforms(again) == {
        "error": "invalid_grant",
        "error_description": "The refresh token is invalid, expired or revoked",
    }


def test_refresh_token_of_another_app_is_refused(client: httpx.Client, api_alice: Person) -> None:
    assert api_alice.refresh_token
    other = register_app(client)
    response = request_token(
        client, other, grant_type="refresh_token", refresh_token=api_alice.refresh_token
    )
    assert response.status_code == 400
    assert assert_conforms(response)["error"] == "invalid_grant"
    assert client.get(VERIFY, headers=bearer(api_alice.token)).status_code == 200


# -- revocation


def test_revoke_makes_the_token_unusable(client: httpx.Client, api_alice: Person) -> None:
    response = client.post(
        "/oauth/revoke",
        data={
            "client_id": api_alice.app.client_id,
            "client_secret": api_alice.app.client_secret,
            "token": api_alice.token,
        },
    )
    assert response.status_code == 200
    assert response.json() == {}
    gone = client.get(VERIFY, headers=bearer(api_alice.token))
    assert gone.status_code == 401
    assert assert_conforms(gone) == INVALID_TOKEN


def test_revoke_with_basic_auth_and_an_unknown_token(
    client: httpx.Client, api_alice: Person
) -> None:
    response = client.post("/oauth/revoke", data={"token": "unknown"}, headers=basic(api_alice.app))
    assert response.status_code == 200
    assert client.get(VERIFY, headers=bearer(api_alice.token)).status_code == 200


def test_revoke_by_another_app_does_nothing(client: httpx.Client, api_alice: Person) -> None:
    other = register_app(client)
    response = client.post("/oauth/revoke", data={"token": api_alice.token}, headers=basic(other))
    assert response.status_code == 200
    assert client.get(VERIFY, headers=bearer(api_alice.token)).status_code == 200


def test_revoke_with_a_wrong_secret(client: httpx.Client, api_alice: Person) -> None:
    response = client.post(
        "/oauth/revoke", data={"token": api_alice.token}, headers=basic(api_alice.app, "wrong")
    )
    assert response.status_code == 401
    assert assert_conforms(response)["error"] == "invalid_client"
    assert client.get(VERIFY, headers=bearer(api_alice.token)).status_code == 200


# -- client authentication


def test_client_auth_by_http_basic(client: httpx.Client) -> None:
    app = register_app(client)
    response = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(app)
    )
    assert response.status_code == 200
    assert assert_conforms(response)["scope"] == "read"


@pytest.mark.parametrize("how", ["form", "basic"])
def test_wrong_client_secret(client: httpx.Client, how: str) -> None:
    app = register_app(client)
    if how == "form":
        response = client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app.client_id,
                "client_secret": "wrong",
            },
        )
    else:
        response = client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(app, "wrong")
        )
    assert response.status_code == 401
    assert assert_conforms(response) == {
        "error": "invalid_client",
        "error_description": "Client authentication failed: wrong secret",
    }
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_unknown_client(client: httpx.Client) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "nope", "client_secret": "x"},
    )
    assert response.status_code == 401
    assert assert_conforms(response) == {
        "error": "invalid_client",
        "error_description": "Client authentication failed: unknown client",
    }


def test_unsupported_grant_type(client: httpx.Client) -> None:
    app = register_app(client)
    response = request_token(client, app, grant_type="implicit")
    assert response.status_code == 400
    assert assert_conforms(response) == {
        "error": "unsupported_grant_type",
        "error_description": "The grant type 'implicit' is not supported",
    }


def test_missing_grant_type(client: httpx.Client) -> None:
    app = register_app(client)
    response = request_token(client, app)
    assert response.status_code == 400
    assert assert_conforms(response) == {
        "error": "invalid_request",
        "error_description": "Missing required parameter: grant_type",
    }


def test_token_request_as_json(client: httpx.Client) -> None:
    app = register_app(client)
    response = client.post(
        "/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "scope": "read:accounts",
        },
    )
    assert response.status_code == 200
    assert assert_conforms(response)["scope"] == "read:accounts"


# -- metadata


def test_authorization_server_metadata(client: httpx.Client, server: LiveServer) -> None:
    response = client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["issuer"] == server.url + "/"
    assert body["token_endpoint"] == f"{server.url}/oauth/token"
    assert body["authorization_endpoint"] == f"{server.url}/oauth/authorize"
    assert body["revocation_endpoint"] == f"{server.url}/oauth/revoke"
    assert body["userinfo_endpoint"] == f"{server.url}/oauth/userinfo"
    assert body["app_registration_endpoint"] == f"{server.url}/api/v1/apps"
    assert {"read", "write", "follow", "push", "profile", "read:accounts"} <= set(
        body["scopes_supported"]
    )
    assert set(body["grant_types_supported"]) == {
        "authorization_code",
        "password",
        "client_credentials",
        "refresh_token",
    }
    assert body["response_types_supported"] == ["code"]
    assert "S256" in body["code_challenge_methods_supported"]
    assert set(body["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }


# -- storage


def test_tokens_are_stored_hashed(
    client: httpx.Client, server: LiveServer, api_alice: Person
) -> None:
    app_tok = app_token(client, api_alice.app, scope="read")
    secrets = [api_alice.token, app_tok, api_alice.refresh_token, api_alice.app.client_secret]
    rows = query(server.settings.database_url, "SELECT * FROM oauth_access_tokens")
    # Alice's sign-up token, the app token that signed her up, and the one above.
    assert len(rows) == 3
    rows += query(server.settings.database_url, "SELECT * FROM oauth_applications")
    stored = repr(rows)
    for secret in secrets:
        assert secret
        assert secret not in stored


# -- scopes on API calls


def test_read_token_may_not_write(client: httpx.Client, api_alice: Person) -> None:
    token = password_token(client, api_alice, "read")
    assert client.get(VERIFY, headers=bearer(token)).status_code == 200
    response = client.patch(UPDATE, headers=bearer(token), data={"display_name": "A"})
    assert response.status_code == 403
    assert assert_conforms(response, "Error") == OUTSIDE_SCOPES


def test_profile_token_reads_only_its_own_account(client: httpx.Client) -> None:
    alice = sign_up(client, "alice", scopes="read write profile")
    token = password_token(client, alice, "profile")
    me = client.get(VERIFY, headers=bearer(token))
    assert me.status_code == 200
    assert assert_conforms(me)["id"] == alice.id
    for path in (f"/api/v1/accounts/{alice.id}", "/api/v1/accounts/lookup?acct=alice"):
        response = client.get(path, headers=bearer(token))
        assert response.status_code == 403, path
        assert assert_conforms(response, "Error") == OUTSIDE_SCOPES
    response = client.patch(UPDATE, headers=bearer(token), data={"display_name": "A"})
    assert response.status_code == 403


def test_granular_write_accounts(client: httpx.Client, api_alice: Person) -> None:
    token = password_token(client, api_alice, "write:accounts")
    response = client.patch(UPDATE, headers=bearer(token), data={"display_name": "Alice A."})
    assert response.status_code == 200
    assert assert_conforms(response)["display_name"] == "Alice A."
    # write:accounts does not let one read.
    response = client.get(VERIFY, headers=bearer(token))
    assert response.status_code == 403
    assert assert_conforms(response) == OUTSIDE_SCOPES


def test_granular_read_accounts(client: httpx.Client, api_alice: Person) -> None:
    token = password_token(client, api_alice, "read:accounts")
    assert client.get(VERIFY, headers=bearer(token)).status_code == 200
    assert client.get(f"/api/v1/accounts/{api_alice.id}", headers=bearer(token)).status_code == 200


def test_app_token_on_a_method_for_people(client: httpx.Client) -> None:
    app = register_app(client)
    token = app_token(client, app, scope="read")
    response = client.get(VERIFY, headers=bearer(token))
    assert response.status_code == 422
    assert assert_conforms(response) == {"error": "This method requires an authenticated user"}


def test_no_token_and_garbage_token(client: httpx.Client, api_alice: Person) -> None:
    response = client.get(VERIFY)
    assert response.status_code == 401
    assert assert_conforms(response) == INVALID_TOKEN
    for header in ("Bearer garbage", "Bearer " + api_alice.token + "x"):
        response = client.get(VERIFY, headers={"Authorization": header})
        assert response.status_code == 401
        assert assert_conforms(response) == INVALID_TOKEN
    # A public endpoint with a bad token is refused too, as Mastodon does.
    response = client.get(f"/api/v1/accounts/{api_alice.id}", headers=bearer("garbage"))
    assert response.status_code == 401
    assert assert_conforms(response) == INVALID_TOKEN


def test_token_in_the_query_string(client: httpx.Client, api_alice: Person) -> None:
    response = client.get(VERIFY, params={"access_token": api_alice.token})
    assert response.status_code == 200


def test_userinfo_with_a_profile_token(client: httpx.Client, server: LiveServer) -> None:
    alice = sign_up(client, "alice", scopes="read write:accounts profile")
    token = password_token(client, alice, "profile")
    for method in ("GET", "POST"):
        response = client.request(method, "/oauth/userinfo", headers=bearer(token))
        assert response.status_code == 200
        assert response.json() == {
            "iss": server.url + "/",
            "sub": f"{server.url}/users/alice",
            "name": "",
            "preferred_username": "alice",
            "profile": f"{server.url}/@alice",
            "picture": f"{server.url}/static/avatars/original/missing.png",
        }
    read_only = password_token(client, alice, "read")
    response = client.get("/oauth/userinfo", headers=bearer(read_only))
    assert response.status_code == 403
    assert assert_conforms(response) == OUTSIDE_SCOPES
    response = client.get("/oauth/userinfo")
    assert response.status_code == 401
    assert assert_conforms(response) == INVALID_TOKEN
