"""The web app, live (static/live.js over the streaming WebSocket): two
people in two browser contexts; one posts and the other's home offers "New
posts" without a reload; a like shows on the Activity badge and in the
Activity list as it happens; a post's page offers a new reply; and after the
socket drops, the page reconnects and catches up on what it missed.

"No reload" is checked with a mark left on ``window`` (tests/browser/test_page_script.py).
"""

from __future__ import annotations

from typing import cast

from playwright.sync_api import Page, expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, run_async, sign_in
from tests.browser.test_page_script import (
    assert_not_reloaded,
    mark,
    people,
    posts,
    with_db,
)
from tests.live import LiveServer
from weft.api.streaming.hub import Hub
from weft.api.streaming.routes import HUB
from weft.db.database import Database
from weft.jobs.worker import Worker

pytestmark = sqlite_only


def live_page(new_context: NewContext, size: str, username: str, path: str) -> Page:
    page = new_context(size).new_page()
    sign_in(page, username)
    page.goto(path)
    expect(page.locator("body[data-live]")).to_have_count(1)  # the socket is open
    mark(page)
    return page


def run_jobs(server: LiveServer) -> None:
    async def run(db: Database) -> None:
        await Worker(db, server.settings).run_until_idle()

    with_db(server, run)


def shoot(page: Page, screenshots: Screenshots, name: str) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        screenshots.take(page, f"{name}-{scheme}")
    page.emulate_media(color_scheme="light")


def test_new_posts_and_likes_arrive_without_a_reload(
    new_context: NewContext, server: LiveServer, size: str, screenshots: Screenshots
) -> None:
    ana, bo = people(server)
    [mine, other] = posts(server, ana, ["ana's first post", "ana's second post"])
    reader = live_page(new_context, size, ana.username, "/")
    writer = new_context(size).new_page()
    sign_in(writer, bo.username)

    writer.goto("/following")
    writer.get_by_label("Your post").fill("news from bo")
    writer.get_by_role("button", name="Post", exact=True).click()
    expect(writer.locator("[data-feed] article.post").first).to_contain_text("news from bo")
    run_jobs(server)  # the fan-out, which tells ana's stream
    notice = reader.locator("[data-new-posts] button")
    expect(notice).to_have_text("1 new post: show")
    assert_not_reloaded(reader)
    shoot(reader, screenshots, "home-new-posts")
    assert_accessible(reader, "Home with the new-posts notice")

    writer.goto(f"/@{ana.username}/{mine}")
    writer.locator(f"article#post-{mine}").get_by_role("button", name="Like").click()
    badge = reader.locator("[data-activity-badge]")
    expect(badge).to_have_text("1")
    expect(reader.get_by_role("link", name="Activity, 1 new notification")).to_have_count(1)
    assert_not_reloaded(reader)
    shoot(reader, screenshots, "home-activity-badge")

    with reader.expect_navigation():
        notice.click()
    expect(reader.locator("[data-feed] article.post").first).to_contain_text("news from bo")

    activity = live_page(new_context, size, ana.username, "/activity")
    items = activity.locator("[data-activity-list] li.notification")
    expect(items).to_have_count(1)
    writer.goto(f"/@{ana.username}/{other}")
    writer.locator(f"article#post-{other}").get_by_role("button", name="Like").click()
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("liked your post")
    expect(items.first).to_contain_text("ana's second post")
    assert_not_reloaded(activity)
    shoot(activity, screenshots, "activity-live")
    assert_accessible(activity, "Activity after a like arrived")


def test_a_post_page_offers_new_replies(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots
) -> None:
    ana, bo = people(server)
    [root] = posts(server, ana, ["what do you think?"])
    page = live_page(new_context, "desktop", ana.username, f"/@{ana.username}/{root}")
    [reply] = posts(server, bo, ["I think so"], in_reply_to_id=root)
    notice = page.locator("[data-new-replies] button")
    expect(notice).to_have_text("1 new reply: show")
    assert_not_reloaded(page)
    shoot(page, screenshots, "post-new-reply")
    notice.click()
    expect(page.locator(f"article#post-{reply}")).to_contain_text("I think so")


def test_after_a_drop_the_page_reconnects_and_catches_up(
    new_context: NewContext, server: LiveServer
) -> None:
    ana, bo = people(server)
    posts(server, bo, ["already there"])
    page = live_page(new_context, "desktop", ana.username, "/following")
    hub = cast(Hub, server.app.state.runtime.extra[HUB])
    # The event of the next post is lost (the hub hears nothing), and every
    # socket closes, as when Redis drops: only the catch-up can find it.
    run_async(hub.bus.stop(hub))
    try:
        posts(server, bo, ["made while the socket was down"])
    finally:
        hub.on_outage()
        run_async(hub.bus.start(hub))
    expect(page.locator("[data-new-posts] button")).to_have_text("1 new post: show")
    expect(page.locator("body[data-live]")).to_have_count(1)  # connected again
    assert_not_reloaded(page)


def test_the_notifications_setting_offers_browser_notifications(
    new_context: NewContext, server: LiveServer, size: str, screenshots: Screenshots
) -> None:
    ana, _ = people(server)
    page = new_context(size).new_page()
    sign_in(page, ana.username)
    page.goto("/settings/notifications")
    # The script found web push here: the button shows, the "needs" note hides.
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_visible()
    expect(page.locator("[data-push-unsupported]")).to_be_hidden()
    expect(page.get_by_text("Notifications are off for this browser.")).to_be_visible()
    shoot(page, screenshots, "settings-notifications")
    assert_accessible(page, "Settings, Notifications")
