"""Steps the post-page and home-page tests share: people and posts made through
the real actions, a browser signed in as one of them, and the buttons under a
post pressed as a browser would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.web.helpers import csrf_of, sign_in_form
from weft.actions.graph import follow_account
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database

JSON = {"Accept": "application/json"}


async def person(db: Database, server: LiveServer, username: str) -> Person:
    return await make_person(db, server.settings, username)


async def post(
    db: Database,
    server: LiveServer,
    author: Person,
    text: str,
    visibility: str = "public",
    in_reply_to_id: int | None = None,
) -> int:
    draft = Draft(text, visibility=visibility, in_reply_to_id=in_reply_to_id)
    status = await post_status(db, server.settings, author.account_id, draft)
    return status.id


async def follow(db: Database, follower: Person, followee: Person) -> None:
    await follow_account(db, follower.account_id, followee.account_id)


@contextmanager
def signed_in(server: LiveServer, who: Person) -> Iterator[httpx.Client]:
    """A browser (a client keeping cookies) signed in as ``who``."""
    with server.client() as client:
        response = sign_in_form(client, who.username)
        assert response.status_code == 303, response.text
        yield client


def press(
    client: httpx.Client,
    status_id: int,
    action: str,
    *,
    page: str = "/",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """Submit one of the buttons under a post, with the token from ``page``."""
    token = csrf_of(client.get(page))
    data = {"csrf_token": token, "next": page}
    return client.post(f"/statuses/{status_id}/{action}", data=data, headers=headers)


def main_of(page: httpx.Response) -> str:
    """The page's ``<main>`` (the title repeats a post's words)."""
    start = page.text.index('<main id="main"')
    return page.text[start : page.text.index("</main>", start)]
