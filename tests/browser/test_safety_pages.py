"""Settings, Privacy (who may mention you, notification filtering), Activity's
filtered notifications and Restrict on a profile, in a real browser: both
colour schemes, phone and desktop, axe-clean, and worked by keyboard alone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, sign_in
from tests.browser.test_page_script import people, posts, with_db
from tests.live import LiveServer
from weft.actions.interactions import favourite
from weft.actions.notification_policy import update_policy
from weft.db.database import Database

pytestmark = sqlite_only


def seed(server: LiveServer) -> None:
    """bo keeps aside notifications from people he doesn't follow; ana (who
    follows him, but whom he does not follow) likes his post."""
    ana, bo = people(server)
    [mine] = posts(server, bo, ["a post to like"])

    async def more(db: Database) -> None:
        await update_policy(db, bo.account_id, {"for_not_following": "filter"})
        await favourite(db, ana.account_id, mine)

    with_db(server, more)


def test_safety_pages_in_both_schemes_and_by_keyboard(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots
) -> None:
    seed(server)
    pages = {
        "privacy": "/settings/privacy",
        "activity": "/activity",
        "filtered": "/activity/filtered",
        "profile": "/@ana",
    }
    for size, scheme in (("desktop", "dark"), ("phone", "light"), ("phone", "dark")):
        page = new_context(size, color_scheme=scheme).new_page()
        sign_in(page, "bo")
        for name, path in pages.items():
            page.goto(path)
            assert_accessible(page, f"{scheme} {size}, {name}")
            screenshots.take(page, f"safety-{scheme}-{size}-{name}")
    page = new_context("desktop", color_scheme="light").new_page()
    sign_in(page, "bo")
    _choose_by_keyboard(page)
    _accept_by_keyboard(page)


def _choose_by_keyboard(page: Page) -> None:
    page.goto("/settings/privacy")
    page.focus("#mention_policy")
    page.keyboard.press("ArrowDown")  # "Only people you follow"
    expect(page.locator("#mention_policy")).to_have_value("following")
    page.get_by_role("button", name="Save privacy settings").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/settings/privacy?saved=1")
    expect(page.locator("#mention_policy")).to_have_value("following")
    expect(page.locator("#for_not_following")).to_have_value("filter")


def _accept_by_keyboard(page: Page) -> None:
    page.goto("/activity")
    expect(page.get_by_text("liked your post")).to_have_count(0)
    page.get_by_role("link", name="Filtered notifications").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/activity/filtered")
    page.get_by_role("button", name="Accept @ana").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/activity/filtered?done=accepted")
    expect(page.locator("p.notice")).to_have_text("Request accepted.")
    page.goto("/activity")
    expect(page.get_by_text("liked your post")).to_have_count(1)
