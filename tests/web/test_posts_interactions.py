"""The buttons under a post: plain forms that redirect back, or JSON for weft.js."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from tests.live import LiveServer
from tests.web.helpers import csrf_of
from tests.web.posts_helpers import JSON, main_of, person, post, press, signed_in
from weft.db.database import Database
from weft.models import Bookmark, Favourite, Status


def pressed(page: httpx.Response, status_id: int, action: str) -> bool:
    """Whether the page shows ``action``'s button on the post as pressed."""
    form = re.search(
        rf'action="/statuses/{status_id}/\w+" class="action-form" data-toggle\s+'
        rf'data-action="{action}".*?aria-pressed="(true|false)"',
        main_of(page),
        re.S,
    )
    assert form, f"no {action} button for {status_id}"
    return form.group(1) == "true"


async def _exists(db: Database, model: type[Favourite] | type[Bookmark], status_id: int) -> bool:
    async with db.read() as session:
        found = await session.scalar(select(model.id).where(model.status_id == status_id))
    return found is not None


async def test_like_and_unlike_go_back_to_the_page(db: Database, server: LiveServer) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    status_id = await post(db, server, alice, "like me")
    page = f"/@alice/{status_id}"

    with signed_in(server, bob) as browser:
        assert not pressed(browser.get(page), status_id, "favourite")
        response = press(browser, status_id, "favourite", page=page)
        assert response.status_code == 303
        assert response.headers["location"] == page
        assert await _exists(db, Favourite, status_id)
        shown = browser.get(page)
        assert pressed(shown, status_id, "favourite")
        assert 'aria-label="Like (1)"' in shown.text

        assert press(browser, status_id, "unfavourite", page=page).status_code == 303
        assert not await _exists(db, Favourite, status_id)
        assert not pressed(browser.get(page), status_id, "favourite")


async def test_repost_and_save_answer_json_for_the_script(db: Database, server: LiveServer) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    status_id = await post(db, server, alice, "share me")

    with signed_in(server, bob) as browser:
        reposted = press(browser, status_id, "reblog", headers=JSON)
        saved = press(browser, status_id, "bookmark", headers=JSON)
        undone = press(browser, status_id, "unreblog", headers=JSON)

    assert reposted.status_code == 200, reposted.text
    assert reposted.json()["reblogged"] is True
    assert reposted.json()["reblogs_count"] == 1
    assert reposted.json()["id"] == str(status_id)
    assert saved.json()["bookmarked"] is True
    assert undone.json()["bookmarked"] is True
    assert undone.json()["reblogged"] is False
    assert undone.json()["reblogs_count"] == 0
    assert await _exists(db, Bookmark, status_id)


async def test_a_post_one_may_not_see_cannot_be_liked(db: Database, server: LiveServer) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    hidden = await post(db, server, alice, "followers only", visibility="private")

    with signed_in(server, bob) as browser:
        as_page = press(browser, hidden, "favourite")
        as_json = press(browser, hidden, "favourite", headers=JSON)
        missing = press(browser, 12345, "bookmark", headers=JSON)

    assert as_page.status_code == 404
    assert "Not found" in as_page.text
    assert as_json.status_code == 404
    assert as_json.json() == {"error": "Record not found"}
    assert missing.status_code == 404
    assert not await _exists(db, Favourite, hidden)


async def test_signed_out_buttons_lead_to_sign_in_and_back(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    status_id = await post(db, server, alice, "like me later")
    page = f"/@alice/{status_id}"
    token = csrf_of(client.get(page))

    response = client.post(
        f"/statuses/{status_id}/favourite",
        data={"csrf_token": token},
        headers={"Referer": f"{server.url}{page}"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/auth/sign_in?next=%2F%40alice%2F{status_id}"
    assert not await _exists(db, Favourite, status_id)


async def test_a_button_without_the_form_token_does_nothing(
    db: Database, server: LiveServer
) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    status_id = await post(db, server, alice, "csrf")

    with signed_in(server, bob) as browser:
        response = browser.post(f"/statuses/{status_id}/favourite", data={"csrf_token": "x"})

    assert response.status_code == 403
    assert not await _exists(db, Favourite, status_id)


async def test_next_never_leaves_the_site(db: Database, server: LiveServer) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    status_id = await post(db, server, alice, "open redirect?")

    with signed_in(server, bob) as browser:
        token = csrf_of(browser.get("/"))
        response = browser.post(
            f"/statuses/{status_id}/bookmark",
            data={"csrf_token": token, "next": "https://evil.example/"},
        )

    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_the_author_deletes_a_post_and_others_cannot(
    db: Database, server: LiveServer
) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    status_id = await post(db, server, alice, "short-lived")
    page = f"/@alice/{status_id}"

    with signed_in(server, bob) as browser:
        assert "data-delete" not in main_of(browser.get(page))
        refused = press(browser, status_id, "delete", page=page)
    assert refused.status_code == 404
    with signed_in(server, alice) as browser:
        assert f'action="/statuses/{status_id}/delete"' in main_of(browser.get(page))
        deleted = press(browser, status_id, "delete", page=page)
        assert deleted.status_code == 303
        assert deleted.headers["location"] == "/"  # not back to the page that is gone
        assert browser.get(page).status_code == 404
    async with db.read() as session:
        assert await session.get(Status, status_id) is None
