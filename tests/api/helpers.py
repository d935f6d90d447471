"""Steps most API tests take: register an app, get tokens, sign people up.

Each goes through real HTTP, as a client would, and checks that the step
worked so that a failure points at the step rather than at a later assertion.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import text

from tests.openapi import assert_conforms
from weft.db.database import Database

PASSWORD = "correct horse battery"
OOB = "urn:ietf:wg:oauth:2.0:oob"


@dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str
    scopes: list[str]


@dataclass(frozen=True)
class Person:
    username: str
    email: str
    password: str
    token: str
    refresh_token: str | None
    app: App
    id: str


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register_app(
    client: httpx.Client, scopes: str = "read write follow", name: str = "Tester"
) -> App:
    response = client.post(
        "/api/v1/apps", data={"client_name": name, "redirect_uris": OOB, "scopes": scopes}
    )
    assert response.status_code == 200, response.text
    body = assert_conforms(response)
    return App(body["client_id"], body["client_secret"], body["scopes"])


def request_token(client: httpx.Client, app: App, **params: str) -> httpx.Response:
    return client.post(
        "/oauth/token",
        data={"client_id": app.client_id, "client_secret": app.client_secret, **params},
    )


def app_token(client: httpx.Client, app: App, scope: str = "write:accounts") -> str:
    response = request_token(client, app, grant_type="client_credentials", scope=scope)
    assert response.status_code == 200, response.text
    token: str = assert_conforms(response)["access_token"]
    return token


def sign_up_request(
    client: httpx.Client, token: str, username: str, email: str | None = None, **extra: Any
) -> httpx.Response:
    return client.post(
        "/api/v1/accounts",
        headers=bearer(token),
        data={
            "username": username,
            "email": email or f"{username.lower()}@example.com",
            "password": PASSWORD,
            "agreement": "true",
            **extra,
        },
    )


def sign_up(
    client: httpx.Client, username: str = "alice", scopes: str = "read write follow"
) -> Person:
    """A new person, signed up through the API, with a token of the app's ``scopes``."""
    app = register_app(client, scopes=scopes)
    response = sign_up_request(client, app_token(client, app), username)
    assert response.status_code == 200, response.text
    token = assert_conforms(response)
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token["access_token"]))
    assert me.status_code == 200, me.text
    return Person(
        username=username.lower(),
        email=f"{username.lower()}@example.com",
        password=PASSWORD,
        token=token["access_token"],
        refresh_token=token.get("refresh_token"),
        app=app,
        id=me.json()["id"],
    )


def password_token(client: httpx.Client, person: Person, scope: str) -> str:
    response = request_token(
        client,
        person.app,
        grant_type="password",
        username=person.username,
        password=person.password,
        scope=scope,
    )
    assert response.status_code == 200, response.text
    token: str = assert_conforms(response)["access_token"]
    return token


def query(database_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of a raw SQL query on the test database (for checking what was stored)."""

    async def run() -> list[tuple[Any, ...]]:
        db = Database(database_url)
        try:
            async with db.read() as session:
                result = await session.execute(text(sql), params)
                return [tuple(row) for row in result]
        finally:
            await db.dispose()

    return asyncio.run(run())


def count(database_url: str, table: str) -> int:
    value: int = query(database_url, f"SELECT count(*) FROM {table}")[0][0]
    return value
