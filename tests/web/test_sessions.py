"""Signing up, in and out in the browser, and the CSRF check on every form."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from tests.live import LiveServer
from tests.web.helpers import (
    FORM_MESSAGE,
    PASSWORD,
    csrf_of,
    inputs,
    sign_in_form,
    sign_out,
    sign_up,
    sign_up_form,
    signed_in_as,
)
from weft.db.database import Database
from weft.models import Account, User, WebSession

GENERIC = "Invalid email, username or password"


def _cookie(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


async def _count(db: Database, model: type[Account] | type[User] | type[WebSession]) -> int:
    async with db.read() as session:
        return (await session.scalar(select(func.count()).select_from(model))) or 0


def test_sign_up_signs_in_and_sign_out_signs_out(client: httpx.Client) -> None:
    assert signed_in_as(client) is None
    response = sign_up_form(client, "alice")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = _cookie(response, "weft_session")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Max-Age=2592000" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback
    assert signed_in_as(client) == "alice"

    response = sign_out(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert 'weft_session=""' in _cookie(response, "weft_session")
    assert signed_in_as(client) is None


def test_the_anonymous_csrf_cookie_is_http_only_and_lax(client: httpx.Client) -> None:
    page = client.get("/auth/sign_in")
    assert page.status_code == 200
    cookie = _cookie(page, "weft_csrf")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert cookie.startswith(f"weft_csrf={csrf_of(page)};")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"


def test_signing_out_ends_the_session_on_the_server(client: httpx.Client) -> None:
    sign_up(client, "alice")
    secret = client.cookies["weft_session"]
    sign_out(client)
    # The old cookie, replayed, no longer signs anyone in.
    client.cookies.set("weft_session", secret)
    assert signed_in_as(client) is None


@pytest.mark.parametrize("login", ["alice", "ALICE", "@alice", "alice@example.com"])
def test_sign_in_with_username_or_email(server: LiveServer, login: str) -> None:
    with server.client() as first:
        sign_up(first, "alice")
    with server.client() as browser:
        response = sign_in_form(browser, login)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert "HttpOnly" in _cookie(response, "weft_session")
        assert signed_in_as(browser) == "alice"


@pytest.mark.parametrize(
    ("login", "password"),
    [("alice", "wrong password"), ("nobody", PASSWORD), ("", ""), ("alice", "")],
)
def test_wrong_credentials_get_the_generic_message(
    server: LiveServer, login: str, password: str
) -> None:
    with server.client() as first:
        sign_up(first, "alice")
    with server.client() as browser:
        response = sign_in_form(browser, login, password)
        assert response.status_code == 422
        assert f'<p id="form-error" class="error" role="alert">{GENERIC}</p>' in response.text
        assert 'aria-invalid="true"' in response.text
        assert "weft_session" not in response.headers.get("set-cookie", "")
        # What was typed comes back, except the password.
        values = inputs(response.text)
        assert values["login"] == login
        assert values["password"] == ""
        assert PASSWORD not in response.text
        assert signed_in_as(browser) is None


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("admin", "Username is reserved"),
        ("bad name!", "Username must contain only letters, numbers and underscores"),
        ("", "Username can&#39;t be blank"),
        ("a" * 31, "Username is too long (maximum is 30 characters)"),
    ],
)
async def test_a_bad_username_shows_the_field_error_and_writes_nothing(
    client: httpx.Client, db: Database, username: str, message: str
) -> None:
    response = sign_up_form(client, username)
    assert response.status_code == 422
    assert f'<p id="username-error" class="error" role="alert">{message}</p>' in response.text
    assert 'aria-describedby="username-hint username-error" aria-invalid="true"' in response.text
    values = inputs(response.text)
    assert values["username"] == username
    assert values["email"] == f"{username}@example.com"
    assert values["password"] == ""
    assert values["password_confirmation"] == ""
    assert await _count(db, Account) == 0
    assert await _count(db, User) == 0
    assert "weft_session" not in response.headers.get("set-cookie", "")


async def test_a_taken_username_or_email_is_refused(server: LiveServer, db: Database) -> None:
    with server.client() as first:
        sign_up(first, "alice")
    with server.client() as browser:
        response = sign_up_form(browser, "Alice", email="other@example.com")
        assert response.status_code == 422
        assert "Username has already been taken" in response.text
        response = sign_up_form(browser, "alice2", email="ALICE@example.com")
        assert response.status_code == 422
        assert '<p id="email-error" class="error" role="alert">' in response.text
        assert "Email has already been taken" in response.text
    assert await _count(db, Account) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"password_confirmation": "something else"},
            "password_confirmation",
            "Confirm password doesn&#39;t match Password",
        ),
        ({"agreement": ""}, "agreement", "The agreement must be accepted"),
        (
            {"password": "short", "password_confirmation": "short"},
            "password",
            "Password is too short (minimum is 8 characters)",
        ),
        ({"email": "not an email"}, "email", "Email is invalid"),
    ],
)
async def test_other_sign_up_errors_name_their_field(
    client: httpx.Client, db: Database, changes: dict[str, str], field: str, message: str
) -> None:
    response = sign_up_form(client, "alice", **changes)
    assert response.status_code == 422
    assert f'<p id="{field}-error" class="error" role="alert">{message}' in response.text
    assert await _count(db, Account) == 0


async def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(
    client: httpx.Client, db: Database
) -> None:
    page = client.get("/auth/sign_up")
    form = {
        "username": "alice",
        "email": "alice@example.com",
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
        "agreement": "1",
    }
    for token in (None, "", "wrong", csrf_of(page) + "x"):
        data = form if token is None else {**form, "csrf_token": token}
        response = client.post("/auth/sign_up", data=data)
        assert response.status_code == 403
        assert FORM_MESSAGE in response.text
        assert "weft_session" not in response.headers.get("set-cookie", "")
    assert await _count(db, Account) == 0


async def test_the_form_token_must_match_this_browsers_cookie(
    server: LiveServer, db: Database
) -> None:
    # An attacker's page can copy a token it got for itself, not the victim's cookie.
    with server.client() as attacker:
        token = csrf_of(attacker.get("/auth/sign_up"))
    with server.client() as victim:
        victim.get("/auth/sign_in")
        response = victim.post(
            "/auth/sign_up",
            data={
                "csrf_token": token,
                "username": "mallory",
                "email": "m@example.com",
                "password": PASSWORD,
                "password_confirmation": PASSWORD,
                "agreement": "1",
            },
        )
        assert response.status_code == 403
    assert await _count(db, Account) == 0


async def test_signed_in_forms_need_the_sessions_token(client: httpx.Client, db: Database) -> None:
    sign_up(client, "alice")
    anonymous_token = client.cookies["weft_csrf"]
    for data in ({}, {"csrf_token": "wrong"}, {"csrf_token": anonymous_token}):
        response = client.post("/auth/sign_out", data=data)
        assert response.status_code == 403
        assert FORM_MESSAGE in response.text
    assert signed_in_as(client) == "alice"
    assert await _count(db, WebSession) == 1


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_open_redirects_in_next_are_ignored(server: LiveServer, target: str) -> None:
    with server.client() as first:
        sign_up(first, "alice")
    with server.client() as browser:
        page = browser.get("/auth/sign_in", params={"next": target})
        assert inputs(page.text)["next"] == "/"
        # Even when posted directly, past the page.
        response = browser.post(
            "/auth/sign_in",
            data={
                "csrf_token": csrf_of(page),
                "login": "alice",
                "password": PASSWORD,
                "next": target,
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/"


def test_a_local_next_is_followed(server: LiveServer) -> None:
    with server.client() as first:
        sign_up(first, "alice")
    with server.client() as browser:
        response = sign_in_form(browser, "alice", next="/oauth/authorize?client_id=x&scope=read")
        assert response.status_code == 303
        assert response.headers["location"] == "/oauth/authorize?client_id=x&scope=read"


def test_signing_in_again_replaces_the_old_session(client: httpx.Client) -> None:
    sign_up(client, "alice")
    old = client.cookies["weft_session"]
    response = sign_in_form(client, "alice")
    assert response.status_code == 303
    assert client.cookies["weft_session"] != old
    fresh = client.cookies["weft_session"]
    client.cookies.set("weft_session", old)
    assert signed_in_as(client) is None
    client.cookies.set("weft_session", fresh)
    assert signed_in_as(client) == "alice"


def test_sign_up_page_sends_signed_in_people_home(client: httpx.Client) -> None:
    sign_up(client, "alice")
    response = client.get("/auth/sign_up")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("field", ["login", "password", "next"])
def test_a_nul_character_is_a_400_not_a_crash(client: httpx.Client, field: str) -> None:
    page = client.get("/auth/sign_in")
    data = {"csrf_token": csrf_of(page), "login": "alice", "password": PASSWORD, "next": "/"}
    data[field] += "\x00"
    response = client.post("/auth/sign_in", data=data)
    assert response.status_code == 400
    assert "The request contains a NUL character" in response.text
