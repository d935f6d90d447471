"""Replies and archive in the web app over HTTP: the post menu's Archive and
Unarchive, the Activity page's replies, and the buttons' refusals."""

from __future__ import annotations

from tests.live import LiveServer
from tests.web.posts_helpers import main_of, person, post, press, signed_in
from weft.db.database import Database


async def test_archive_and_unarchive_from_the_post_menu(db: Database, server: LiveServer) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    status_id = await post(db, server, alice, "Yesterday's news")
    page = f"/@alice/{status_id}"
    with signed_in(server, alice) as browser:
        assert f'action="/statuses/{status_id}/archive"' in main_of(browser.get(page))
        archived = press(browser, status_id, "archive", page=page)
        assert (archived.status_code, archived.headers["location"]) == (303, page)
        shown = main_of(browser.get(page))
        assert "· Archived" in shown
        assert f'action="/statuses/{status_id}/unarchive"' in shown
        with signed_in(server, bob) as other:
            assert other.get(page).status_code == 404
            assert "Yesterday" not in main_of(other.get("/@alice"))
        assert press(browser, status_id, "unarchive", page=page).status_code == 303
        with signed_in(server, bob) as other:
            assert other.get(page).status_code == 200


async def test_replies_in_activity(db: Database, server: LiveServer) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    status_id = await post(db, server, alice, "Ask me")
    await post(db, server, bob, "An answer", in_reply_to_id=status_id)
    with signed_in(server, alice) as browser:
        replies = main_of(browser.get("/activity?filter=replies"))
        assert "replied to your post" in replies
        assert "An answer" in replies


async def test_only_the_author_manages(db: Database, server: LiveServer) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    status_id = await post(db, server, alice, "Mine")
    reply_id = await post(db, server, bob, "Re", in_reply_to_id=status_id)
    page = f"/@alice/{status_id}"
    with signed_in(server, bob) as browser:
        assert "Hide reply" not in main_of(browser.get(page))
        assert press(browser, status_id, "archive", page=page).status_code == 404
        assert press(browser, reply_id, "hide", page=page).status_code == 404
    with signed_in(server, alice) as browser:
        assert "Hide reply" in main_of(browser.get(page))
        assert press(browser, reply_id, "hide", page=page).status_code == 303
        assert "Hidden replies (1)" in main_of(browser.get(page))
