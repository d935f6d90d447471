"""Steps the composer tests share: open the composer, send it as a browser would."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from tests.api.helpers import query
from tests.live import LiveServer
from tests.web.helpers import csrf_of
from weft.db.database import Database
from weft.models import Status
from weft.models.base import utcnow

JSON = {"Accept": "application/json"}


def composer_token(client: httpx.Client, **params: str) -> str:
    page = client.get("/compose", params=params)
    assert page.status_code == 200, page.text
    return csrf_of(page)


def send(
    client: httpx.Client,
    *texts: str,
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
    headers: dict[str, str] | None = None,
    alt: dict[str, str] | None = None,
    **fields: str,
) -> httpx.Response:
    """POST the composer with one box per text, as the form (or compose.js) sends it;
    ``alt`` holds the alt-text fields (``alt-<post>-<position>``)."""
    data = {
        "csrf_token": composer_token(client),
        "posts": str(len(texts)),
        "visibility": "public",
        "reply_policy": "everyone",
        "quote_policy": "public",
        **{f"text-{i}": text for i, text in enumerate(texts)},
        **(alt or {}),
        **fields,
    }
    return client.post("/compose", data=data, files=files, headers=headers)


def rows(server: LiveServer, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return query(server.settings.database_url, sql, **params)


def post_id(response: httpx.Response, username: str) -> int:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    prefix = f"/@{username}/"
    assert location.startswith(prefix), location
    return int(location.removeprefix(prefix))


def backdate(server: LiveServer, status_id: int, age: timedelta) -> None:
    """Make a post ``age`` old, as time would (for the edit window)."""

    async def run() -> None:
        db = Database(server.settings.database_url)
        try:
            async with db.write() as session:
                await session.execute(
                    update(Status).where(Status.id == status_id).values(created_at=utcnow() - age)
                )
        finally:
            await db.dispose()

    asyncio.run(run())
