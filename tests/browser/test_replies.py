"""Managing replies in a real browser: a post composed with reply approvals
holds a reply until its author approves it from the post's page, and a reply
hidden from the author's conversation leaves it for everyone else.

At both sizes and in both colour schemes; screenshots in tests/artifacts/browser/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, run_async, sign_in
from tests.factories import make_person
from tests.live import LiveServer
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.models import Status


async def _seed(server: LiveServer) -> tuple[int, int]:
    """Ana and Bob; Ana's open post with Bob's rude reply. Returns their ids."""
    db = Database(server.settings.database_url)
    try:
        ana = await make_person(db, server.settings, "ana")
        bob = await make_person(db, server.settings, "bob")
        open_post = await post_status(db, server.settings, ana.account_id, Draft("Say anything"))
        rude = await post_status(
            db, server.settings, bob.account_id, Draft("A rude reply", in_reply_to_id=open_post.id)
        )
        return open_post.id, rude.id
    finally:
        await db.dispose()


async def _bob_replies(server: LiveServer, post_id: int, text: str) -> None:
    db = Database(server.settings.database_url)
    try:
        async with db.read() as session:
            post = await session.get(Status, post_id)
            bob = await session.scalar(
                select(Status.account_id).where(Status.text == "A rude reply")
            )
        assert post is not None
        assert post.reply_approvals
        assert bob is not None
        await post_status(db, server.settings, bob, Draft(text, in_reply_to_id=post_id))
    finally:
        await db.dispose()


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_approving_and_hiding_replies(
    new_context: NewContext,
    server: LiveServer,
    size: str,
    scheme: str,
    screenshots: Screenshots,
) -> None:
    open_id, rude_id = run_async(_seed(server))
    page: Page = new_context(size, color_scheme=scheme).new_page()
    sign_in(page, "ana")

    # Compose a post whose replies wait for approval.
    page.goto("/compose")
    page.get_by_label("Your post").fill("Approve my replies")
    page.get_by_text("Audience, replies, content warning").click()
    page.get_by_label("Approve replies before they appear").check()
    screenshots.take(page, "composer-with-approvals")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r"/@ana/\d+$"))
    post_id = int(page.url.rsplit("/", 1)[1])
    run_async(_bob_replies(server, post_id, "Please let me in"))

    # Bob's reply waits on the post's page, for Ana alone.
    page.goto(f"/@ana/{post_id}")
    waiting = page.get_by_role("region", name="Waiting for your approval")
    expect(waiting).to_contain_text("Please let me in")
    expect(page.get_by_role("region", name="Replies")).not_to_contain_text("Please let me in")
    assert_accessible(page, "a post with a reply waiting")
    screenshots.take(page, "reply-waiting")
    stranger = new_context(size, color_scheme=scheme).new_page()
    stranger.goto(f"/@ana/{post_id}")
    expect(stranger.locator("main")).not_to_contain_text("Please let me in")

    # Approved: it joins the replies, for everyone.
    page.get_by_role("button", name="Approve the reply by @bob").click()
    page.wait_for_load_state()
    expect(page.get_by_role("region", name="Replies")).to_contain_text("Please let me in")
    expect(page.get_by_text("No replies are waiting for your approval.")).to_be_visible()
    screenshots.take(page, "reply-approved")
    stranger.reload()
    expect(stranger.locator("main")).to_contain_text("Please let me in")

    # Hiding Bob's rude reply takes it out of the conversation.
    page.goto(f"/@ana/{open_id}")
    expect(page.get_by_role("region", name="Replies")).to_contain_text("A rude reply")
    page.get_by_role("button", name="Hide reply by @bob").click()
    page.wait_for_load_state()
    hidden = page.locator("details.hidden-replies")
    expect(hidden).to_contain_text("Hidden replies (1)")
    hidden.locator("summary").click()
    expect(hidden).to_contain_text("A rude reply")
    assert_accessible(page, "a conversation with a hidden reply")
    screenshots.take(page, "reply-hidden")
    stranger.goto(f"/@ana/{open_id}")
    expect(stranger.locator("main")).not_to_contain_text("A rude reply")
    stranger.goto(f"/@bob/{rude_id}")
    expect(stranger.locator("main")).not_to_contain_text("A rude reply")

    # Unhidden, it is back.
    page.get_by_role("button", name="Unhide the reply by @bob").click()
    page.wait_for_load_state()
    expect(page.get_by_role("region", name="Replies")).to_contain_text("A rude reply")
