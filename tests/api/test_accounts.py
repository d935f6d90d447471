"""Sign-up (POST /api/v1/accounts), one's own profile, and finding accounts."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.helpers import (
    Person,
    app_token,
    bearer,
    count,
    register_app,
    sign_up_request,
)
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.db.database import Database
from weft.models import Account

VERIFY = "/api/v1/accounts/verify_credentials"
UPDATE = "/api/v1/accounts/update_credentials"


@pytest.fixture
def signup_token(client: httpx.Client) -> str:
    """An app token that may sign people up."""
    return app_token(client, register_app(client), scope="write:accounts")


def assert_invalid(response: httpx.Response, field: str, code: str, message: str) -> None:
    assert response.status_code == 422, response.text
    body = assert_conforms(response, "ValidationError")
    assert body["error"] == f"Validation failed: {field} {message}"
    assert body["details"] == {field: [{"error": code, "description": message}]}


def assert_nothing_written(server: LiveServer) -> None:
    url = server.settings.database_url
    assert count(url, "accounts") == 0
    assert count(url, "users") == 0
    assert count(url, "oauth_access_tokens") == 1  # just the app token


# -- sign-up


def test_sign_up_returns_a_working_token(client: httpx.Client, signup_token: str) -> None:
    response = sign_up_request(client, signup_token, "Alice", email="Alice@Example.com")
    assert response.status_code == 200
    token = assert_conforms(response)
    assert token["scope"] == "read write follow"
    assert token["refresh_token"]
    me = client.get(VERIFY, headers=bearer(token["access_token"]))
    assert me.status_code == 200
    body = assert_conforms(me)
    assert body["username"] == "alice"
    assert body["acct"] == "alice"
    assert body["locked"] is False
    # The token that signed her up is an app token (write:accounts only): not hers.
    assert client.get(VERIFY, headers=bearer(signup_token)).status_code == 403


def test_sign_up_needs_write_accounts(client: httpx.Client, server: LiveServer) -> None:
    read_token = app_token(client, register_app(client), scope="read")
    response = sign_up_request(client, read_token, "alice")
    assert response.status_code == 403
    assert assert_conforms(response, "Error") == {
        "error": "This action is outside the authorized scopes"
    }
    response = sign_up_request(client, "garbage", "alice")
    assert response.status_code == 401
    assert assert_conforms(response) == {"error": "The access token is invalid"}
    response = client.post("/api/v1/accounts", data={"username": "alice"})
    assert response.status_code == 401
    assert count(server.settings.database_url, "accounts") == 0


@pytest.mark.parametrize("agreement", [None, "false", "0"])
def test_sign_up_needs_the_agreement(
    client: httpx.Client, server: LiveServer, signup_token: str, agreement: str | None
) -> None:
    data = {"username": "alice", "email": "a@example.com", "password": "long enough pw"}
    if agreement is not None:
        data["agreement"] = agreement
    response = client.post("/api/v1/accounts", headers=bearer(signup_token), data=data)
    assert_invalid(response, "agreement", "ERR_ACCEPTED", "must be accepted")
    assert_nothing_written(server)


@pytest.mark.parametrize(
    ("username", "code", "message"),
    [
        ("a" * 31, "ERR_TOO_LONG", "is too long (maximum is 30 characters)"),
        ("al-ice", "ERR_INVALID", "must contain only letters, numbers and underscores"),
        ("al ice", "ERR_INVALID", "must contain only letters, numbers and underscores"),
        ("alicé", "ERR_INVALID", "must contain only letters, numbers and underscores"),
        ("admin", "ERR_RESERVED", "is reserved"),
        ("Admin", "ERR_RESERVED", "is reserved"),
        ("", "ERR_BLANK", "can't be blank"),
    ],
)
def test_bad_usernames(
    client: httpx.Client,
    server: LiveServer,
    signup_token: str,
    username: str,
    code: str,
    message: str,
) -> None:
    response = sign_up_request(client, signup_token, username, email="x@example.com")
    assert_invalid(response, "username", code, message)
    assert_nothing_written(server)


def test_thirty_characters_is_fine(client: httpx.Client, signup_token: str) -> None:
    response = sign_up_request(client, signup_token, "a_1" * 10)
    assert response.status_code == 200


@pytest.mark.parametrize("second", ["alice", "ALICE", "Alice"])
def test_username_taken_regardless_of_case(
    client: httpx.Client, server: LiveServer, signup_token: str, second: str
) -> None:
    assert sign_up_request(client, signup_token, "alice").status_code == 200
    response = sign_up_request(client, signup_token, second, email="other@example.com")
    assert_invalid(response, "username", "ERR_TAKEN", "has already been taken")
    assert count(server.settings.database_url, "accounts") == 1
    assert count(server.settings.database_url, "users") == 1


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com"])
def test_invalid_email(
    client: httpx.Client, server: LiveServer, signup_token: str, email: str
) -> None:
    response = sign_up_request(client, signup_token, "alice", email=email)
    assert response.status_code == 422
    body = assert_conforms(response)
    assert body["error"].startswith("Validation failed: email is invalid")
    assert body["details"]["email"][0]["error"] == "ERR_INVALID"
    assert_nothing_written(server)


def test_email_taken_regardless_of_case(
    client: httpx.Client, server: LiveServer, signup_token: str
) -> None:
    assert sign_up_request(client, signup_token, "alice", email="a@example.com").status_code == 200
    response = sign_up_request(client, signup_token, "bob", email="A@EXAMPLE.com")
    assert_invalid(response, "email", "ERR_TAKEN", "has already been taken")
    assert count(server.settings.database_url, "users") == 1


def test_password_too_short(client: httpx.Client, server: LiveServer, signup_token: str) -> None:
    response = sign_up_request(client, signup_token, "alice", password="short")
    assert_invalid(response, "password", "ERR_TOO_SHORT", "is too short (minimum is 8 characters)")
    assert_nothing_written(server)


def test_missing_password(client: httpx.Client, server: LiveServer, signup_token: str) -> None:
    response = client.post(
        "/api/v1/accounts",
        headers=bearer(signup_token),
        data={"username": "alice", "email": "a@example.com", "agreement": "1"},
    )
    assert_invalid(response, "password", "ERR_BLANK", "can't be blank")
    assert_nothing_written(server)


def test_sign_up_with_json(client: httpx.Client, signup_token: str) -> None:
    response = client.post(
        "/api/v1/accounts",
        headers=bearer(signup_token),
        json={
            "username": "bob",
            "email": "bob@example.com",
            "password": "long enough pw",
            "agreement": True,
            "locale": "de",
        },
    )
    assert response.status_code == 200
    assert assert_conforms(response)["access_token"]


@pytest.fixture
def closed_server(server: LiveServer) -> Iterator[LiveServer]:
    """A second server on the same database, with registrations closed."""
    closed = LiveServer(server.settings.with_(registrations_open=False)).start()
    try:
        yield closed
    finally:
        closed.stop()


def test_registrations_closed(closed_server: LiveServer) -> None:
    with closed_server.client() as http:
        token = app_token(http, register_app(http))
        response = sign_up_request(http, token, "alice")
        assert response.status_code == 403
        assert assert_conforms(response, "Error") == {
            "error": "Registrations are closed on this server"
        }
        assert http.get("/api/v2/instance").json()["registrations"]["enabled"] is False
    assert count(closed_server.settings.database_url, "accounts") == 0


# -- one's own account


def test_verify_credentials(client: httpx.Client, api_alice: Person, server: LiveServer) -> None:
    response = client.get(VERIFY, headers=bearer(api_alice.token))
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["id"] == api_alice.id
    assert body["username"] == "alice"
    assert body["url"] == f"{server.url}/@alice"
    assert body["source"]["privacy"] == "public"
    assert body["source"]["sensitive"] is False
    assert body["source"]["note"] == ""
    assert body["source"]["fields"] == []
    assert body["role"]["name"] == ""
    assert body["followers_count"] == 0


def test_update_credentials_with_form_data(client: httpx.Client, api_alice: Person) -> None:
    response = client.patch(
        UPDATE,
        headers=bearer(api_alice.token),
        data={
            "display_name": "Alice Liddell",
            "note": "Down the rabbit hole.",
            "locked": "true",
            "bot": "0",
            "fields_attributes[0][name]": "Home",
            "fields_attributes[0][value]": "https://alice.example",
            "fields_attributes[1][name]": "Pronouns",
            "fields_attributes[1][value]": "she/her",
            "source[privacy]": "unlisted",
            "source[sensitive]": "true",
            "source[language]": "en",
        },
    )
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["display_name"] == "Alice Liddell"
    assert body["locked"] is True
    assert body["bot"] is False
    assert "Down the rabbit hole." in body["note"]
    assert body["source"]["note"] == "Down the rabbit hole."
    assert [f["name"] for f in body["fields"]] == ["Home", "Pronouns"]
    assert body["source"]["fields"][0]["value"] == "https://alice.example"
    assert body["source"]["privacy"] == "unlisted"
    assert body["source"]["sensitive"] is True
    assert body["source"]["language"] == "en"

    # What was saved is what verify_credentials and the public view show.
    me = assert_conforms(client.get(VERIFY, headers=bearer(api_alice.token)))
    assert me["display_name"] == "Alice Liddell"
    assert me["source"]["privacy"] == "unlisted"
    public = assert_conforms(client.get(f"/api/v1/accounts/{api_alice.id}"))
    assert public["locked"] is True
    assert "source" not in public

    response = client.patch(UPDATE, headers=bearer(api_alice.token), data={"locked": "false"})
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["locked"] is False
    assert body["display_name"] == "Alice Liddell"  # untouched


def test_update_credentials_with_json(client: httpx.Client, api_alice: Person) -> None:
    response = client.patch(
        UPDATE,
        headers=bearer(api_alice.token),
        json={
            "display_name": "A.",
            "locked": True,
            "fields_attributes": [{"name": "Web", "value": "site"}],
            "source": {"privacy": "private"},
        },
    )
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["display_name"] == "A."
    assert body["locked"] is True
    assert body["fields"][0]["name"] == "Web"
    assert body["source"]["privacy"] == "private"


def test_clearing_fields(client: httpx.Client, api_alice: Person) -> None:
    headers = bearer(api_alice.token)
    client.patch(UPDATE, headers=headers, json={"fields_attributes": [{"name": "a", "value": "b"}]})
    response = client.patch(
        UPDATE,
        headers=headers,
        data={"fields_attributes[0][name]": "", "fields_attributes[0][value]": ""},
    )
    assert response.status_code == 200
    assert assert_conforms(response)["fields"] == []


def test_display_name_and_note_limits(client: httpx.Client, api_alice: Person) -> None:
    headers = bearer(api_alice.token)
    assert client.patch(UPDATE, headers=headers, data={"display_name": "x" * 30}).status_code == 200
    assert client.patch(UPDATE, headers=headers, data={"note": "y" * 500}).status_code == 200
    response = client.patch(UPDATE, headers=headers, data={"display_name": "x" * 31})
    assert_invalid(
        response, "display_name", "ERR_TOO_LONG", "is too long (maximum is 30 characters)"
    )
    response = client.patch(UPDATE, headers=headers, data={"note": "z" * 501})
    assert_invalid(response, "note", "ERR_TOO_LONG", "is too long (maximum is 500 characters)")
    # Nothing of a refused change was kept.
    me = client.get(VERIFY, headers=headers).json()
    assert me["display_name"] == "x" * 30
    assert me["source"]["note"] == "y" * 500


def test_six_fields_are_too_many(client: httpx.Client, api_alice: Person) -> None:
    data = {}
    for i in range(6):
        data[f"fields_attributes[{i}][name]"] = f"n{i}"
        data[f"fields_attributes[{i}][value]"] = f"v{i}"
    response = client.patch(UPDATE, headers=bearer(api_alice.token), data=data)
    assert_invalid(response, "fields", "ERR_TOO_LONG", "has too many entries (maximum is 5)")
    assert client.get(VERIFY, headers=bearer(api_alice.token)).json()["fields"] == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"source[privacy]": "everyone"}, "source[privacy]"),
        ({"source[language]": "english"}, "source[language]"),
        ({"source[sensitive]": "maybe"}, "source[sensitive]"),
        ({"locked": "perhaps"}, "locked"),
    ],
)
def test_bad_profile_values(
    client: httpx.Client, api_alice: Person, data: dict[str, str], field: str
) -> None:
    response = client.patch(UPDATE, headers=bearer(api_alice.token), data=data)
    assert response.status_code == 422
    body = assert_conforms(response)
    assert body["error"].startswith(f"Validation failed: {field} ")
    assert field in body["details"]


def test_update_credentials_needs_a_person(client: httpx.Client) -> None:
    token = app_token(client, register_app(client), scope="write")
    response = client.patch(UPDATE, headers=bearer(token), data={"display_name": "x"})
    assert response.status_code == 422
    assert assert_conforms(response, "Error") == {
        "error": "This method requires an authenticated user"
    }
    response = client.patch(UPDATE, data={"display_name": "x" * 100, "locked": "perhaps"})
    assert response.status_code == 401
    assert assert_conforms(response) == {"error": "The access token is invalid"}


# -- other accounts


def test_show_account(client: httpx.Client, api_alice: Person) -> None:
    response = client.get(f"/api/v1/accounts/{api_alice.id}")
    assert response.status_code == 200
    body = assert_conforms(response)
    assert body["id"] == api_alice.id
    assert body["username"] == "alice"
    # With a token that may read, too.
    response = client.get(f"/api/v1/accounts/{api_alice.id}", headers=bearer(api_alice.token))
    assert response.status_code == 200


@pytest.mark.parametrize("account_id", ["123", "abc", "-1", "1.5", "9" * 30, "%00"])
def test_show_unknown_account(client: httpx.Client, account_id: str) -> None:
    response = client.get(f"/api/v1/accounts/{account_id}")
    assert response.status_code == 404
    assert assert_conforms(response, "Error") == {"error": "Record not found"}


def test_lookup(client: httpx.Client, api_alice: Person, server: LiveServer) -> None:
    for acct in (
        "alice",
        "@alice",
        "ALICE",
        f"alice@{server.settings.domain}",
        f"@alice@{server.settings.domain}",
    ):
        response = client.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert response.status_code == 200, acct
        assert assert_conforms(response)["id"] == api_alice.id


@pytest.mark.parametrize("acct", ["bob", "alice@elsewhere.example", "@"])
def test_lookup_unknown(client: httpx.Client, api_alice: Person, acct: str) -> None:
    response = client.get("/api/v1/accounts/lookup", params={"acct": acct})
    assert response.status_code == 404
    assert assert_conforms(response) == {"error": "Record not found"}


@pytest.mark.parametrize("params", [{}, {"acct": ""}, {"acct": "   "}])
def test_lookup_blank(client: httpx.Client, params: dict[str, str]) -> None:
    response = client.get("/api/v1/accounts/lookup", params=params)
    assert_invalid(response, "acct", "ERR_BLANK", "can't be blank")


def png(size: tuple[int, int], color: str = "red") -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def test_update_credentials_sets_the_avatar_and_header(
    client: httpx.Client, api_alice: Person
) -> None:
    from io import BytesIO

    from PIL import Image

    files = {
        "avatar": ("me.png", png((800, 600)), "image/png"),
        "header": ("banner.png", png((3000, 900), "blue"), "image/png"),
    }
    response = client.patch(
        UPDATE, headers=bearer(api_alice.token), data={"display_name": "Alice"}, files=files
    )
    assert response.status_code == 200, response.text
    body = assert_conforms(response)
    assert body["display_name"] == "Alice"
    for field, size in (("avatar", (400, 400)), ("header", (1500, 500))):
        assert "/missing" not in body[field]
        served = httpx.get(body[field])
        assert served.status_code == 200
        with Image.open(BytesIO(served.content)) as image:
            assert image.size == size


def test_update_credentials_refuses_a_bad_avatar_and_saves_nothing(
    client: httpx.Client, api_alice: Person
) -> None:
    files = {"avatar": ("me.png", b"not a picture at all", "image/png")}
    response = client.patch(
        UPDATE, headers=bearer(api_alice.token), data={"display_name": "Changed"}, files=files
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("Validation failed: avatar ")
    me = client.get(VERIFY, headers=bearer(api_alice.token)).json()
    assert me["display_name"] != "Changed"
    assert "/missing" in me["avatar"]

    response = client.patch(UPDATE, headers=bearer(api_alice.token), data={"header": "a string"})
    assert_invalid(response, "header", "ERR_INVALID", "must be a file sent as multipart/form-data")


async def test_a_remote_bio_is_shown_as_the_html_it_was_stored_as(
    client: httpx.Client, db: Database
) -> None:
    """Remote bios and link values are sanitized HTML already: not escaped a second time."""
    async with db.write() as session:
        remote = Account(
            username="carol",
            domain="remote.example",
            uri="https://remote.example/users/carol",
            note='<p>Hi, see <a href="https://remote.example/about">about</a></p>',
            fields=[{"name": "Site", "value": '<a href="https://carol.example">carol.example</a>'}],
        )
        session.add(remote)
    body = assert_conforms(client.get(f"/api/v1/accounts/{remote.id}"))
    assert body["note"] == '<p>Hi, see <a href="https://remote.example/about">about</a></p>'
    assert body["fields"][0]["value"] == '<a href="https://carol.example">carol.example</a>'
    assert body["acct"] == "carol@remote.example"


def test_update_credentials_refuses_an_avatar_over_the_photo_limit(
    client: httpx.Client, api_alice: Person
) -> None:
    from weft.limits import IMAGE_SIZE_LIMIT

    big = png((10, 10)) + b"\0" * IMAGE_SIZE_LIMIT
    response = client.patch(
        UPDATE, headers=bearer(api_alice.token), files={"avatar": ("big.png", big, "image/png")}
    )
    assert_invalid(
        response,
        "avatar",
        "ERR_TOO_LARGE",
        f"is too large: a photo can be at most {IMAGE_SIZE_LIMIT >> 20} MB",
    )
