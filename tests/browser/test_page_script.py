"""What static/weft.js and the inline composer (static/compose.js) do in a real
browser, on pages with real posts.

Every button here also works without the scripts (plain forms and links,
tests/web/); these tests check the enhancements: the like, repost and save
buttons change in place and the server agrees; a post is deleted without a
reload; Share copies the link; the feed loads its next pages as one scrolls,
without repeating a post (new posts as they arrive: tests/browser/test_live.py);
a three-photo carousel moves with its buttons and the arrow keys;
a link card's video loads only when asked; and a post written in the
composer on the home page lands on top of the feed. The pages they touch pass
axe-core.

"No navigation" is checked with a mark left on ``window``: a reload or a
followed link would wipe it.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from PIL import Image
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from tests.browser.conftest import NewContext, sqlite_only
from tests.browser.helpers import assert_accessible, run_async, sign_in
from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.web.remote_helpers import attach_card
from weft.actions.graph import follow_account
from weft.actions.media import MediaChange, upload_media
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.media.process import process_media
from weft.models import Bookmark, Favourite, Status

pytestmark = sqlite_only

T = TypeVar("T")
PHOTOS = (("red", (200, 40, 40)), ("green", (40, 160, 60)), ("blue", (40, 60, 200)))


def with_db(server: LiveServer, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``work`` against the live server's database (off the browser's thread)."""

    async def run() -> T:
        db = Database(server.settings.database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return run_async(run())


def people(server: LiveServer) -> tuple[Person, Person]:
    """ana follows bo."""

    async def make(db: Database) -> tuple[Person, Person]:
        ana = await make_person(db, server.settings, "ana")
        bo = await make_person(db, server.settings, "bo")
        await follow_account(db, ana.account_id, bo.account_id)
        return ana, bo

    return with_db(server, make)


def posts(server: LiveServer, author: Person, texts: list[str], **draft: object) -> list[int]:
    """Post each text as ``author``; fan-out jobs run, so Following has them."""

    async def make(db: Database) -> list[int]:
        ids = []
        for text in texts:
            status = await post_status(
                db,
                server.settings,
                author.account_id,
                Draft(text, **draft),  # type: ignore[arg-type]
            )
            ids.append(status.id)
        await Worker(db, server.settings).run_until_idle()
        return ids

    return with_db(server, make)


def count_of(server: LiveServer, model: type, **where: int) -> int:
    async def count(db: Database) -> int:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        async with db.read() as session:
            return int(await session.scalar(query) or 0)

    return with_db(server, count)


def signed_in(new_context: NewContext, who: Person, **options: object) -> Page:
    page = new_context("desktop", **options).new_page()
    sign_in(page, who.username)
    return page


def mark(page: Page) -> None:
    page.evaluate("() => { window.weftTestMark = 'still here'; }")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("() => window.weftTestMark") == "still here", "the page was reloaded"


def card(page: Page, status_id: int) -> Locator:
    return page.locator(f"article#post-{status_id}")


def test_like_repost_and_save_change_in_place(new_context: NewContext, server: LiveServer) -> None:
    ana, bo = people(server)
    [status_id] = posts(server, bo, ["something worth a like"])
    page = signed_in(new_context, ana)
    page.goto("/following")
    mark(page)
    post = card(page, status_id)
    like = post.get_by_role("button", name="Like")
    repost = post.get_by_role("button", name="Repost")
    save = post.get_by_role("button", name="Save")
    expect(like).to_have_attribute("aria-pressed", "false")

    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_accessible_name("Like (1)")
    expect(like.locator(".count")).to_have_text("1")
    expect(post.locator("form[data-action=favourite]")).to_have_attribute(
        "action", f"/statuses/{status_id}/unfavourite"
    )
    repost.click()
    expect(repost).to_have_attribute("aria-pressed", "true")
    expect(repost.locator(".count")).to_have_text("1")
    save.click()
    expect(save).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#live")).to_have_text("Save: done")
    assert_not_reloaded(page)
    assert count_of(server, Favourite, status_id=status_id, account_id=ana.account_id) == 1
    assert count_of(server, Status, reblog_of_id=status_id, account_id=ana.account_id) == 1
    assert count_of(server, Bookmark, status_id=status_id, account_id=ana.account_id) == 1

    like.click()  # and undone, in place too
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like).to_have_accessible_name("Like (0)")
    expect(like.locator(".count")).to_have_text("")
    save.click()
    expect(save).to_have_attribute("aria-pressed", "false")
    assert_not_reloaded(page)
    assert count_of(server, Favourite, status_id=status_id) == 0
    assert count_of(server, Bookmark, status_id=status_id) == 0
    assert_accessible(page, "Following after liking")


def test_a_post_is_deleted_without_a_reload(new_context: NewContext, server: LiveServer) -> None:
    ana, _ = people(server)
    kept, doomed = posts(server, ana, ["this one stays", "this one goes"])
    page = signed_in(new_context, ana)
    page.goto("/@ana")
    mark(page)
    post = card(page, doomed)
    post.get_by_label("More: edit, archive or delete this post").click()
    post.get_by_text("Delete", exact=True).click()
    post.get_by_role("button", name="Delete post").click()

    expect(card(page, doomed)).to_have_count(0)
    expect(card(page, kept)).to_be_visible()
    expect(page.locator("#live")).to_have_text("Post deleted.")
    assert_not_reloaded(page)
    assert count_of(server, Status, id=doomed) == 0


def test_share_copies_the_posts_link(new_context: NewContext, server: LiveServer) -> None:
    ana, bo = people(server)
    [status_id] = posts(server, bo, ["share me"])
    page = signed_in(new_context, ana, permissions=["clipboard-read", "clipboard-write"])
    page.goto("/following")
    mark(page)
    share = card(page, status_id).get_by_role("link", name="Share: link to this post")

    share.click()

    expect(share).to_have_class("action share copied")
    expect(page.locator("#live")).to_have_text("Link copied.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{server.settings.base_url}/@bo/{status_id}"
    assert_not_reloaded(page)


def test_the_feed_loads_more_as_one_scrolls_without_repeats(
    new_context: NewContext, server: LiveServer
) -> None:
    ana, bo = people(server)
    ids = posts(server, bo, [f"post number {n:02d}" for n in range(45)])
    page = signed_in(new_context, ana)
    page.goto("/following")
    mark(page)
    articles = page.locator("[data-feed] article.post")
    expect(articles).to_have_count(20)

    for shown in (40, 45):
        page.locator("a[data-next]").scroll_into_view_if_needed()
        expect(articles).to_have_count(shown)

    expect(page.locator("a[data-next]")).to_have_count(0)  # the last page has no next link
    on_page = [int(i) for i in articles.evaluate_all("(all) => all.map((a) => a.dataset.id)")]
    assert on_page == sorted(ids, reverse=True)  # every post once, newest first
    assert_not_reloaded(page)
    assert_accessible(page, "Following after two more pages")


def three_photos(server: LiveServer, author: Person) -> int:
    """A post with three processed photos, each with alt text."""

    async def make(db: Database) -> int:
        media_ids = []
        with tempfile.TemporaryDirectory() as folder:
            for name, colour in PHOTOS:
                path = Path(folder) / f"{name}.png"
                out = io.BytesIO()
                Image.new("RGB", (600, 400), colour).save(out, "PNG")
                path.write_bytes(out.getvalue())
                change = MediaChange(description=f"A {name} square")
                media = await upload_media(db, server.settings, author.account_id, path, change)
                await process_media(db, server.settings, media.id)
                media_ids.append(media.id)
        draft = Draft("three colours", media_ids=tuple(media_ids))
        status = await post_status(db, server.settings, author.account_id, draft)
        return status.id

    return with_db(server, make)


def wait_at_photo(page: Page, track: Locator, index: int) -> None:
    """Wait until the carousel has come to rest showing photo ``index`` (0-based)
    at its start, or scrolled as far as it goes toward it."""
    page.wait_for_function(
        """([track, index]) => {
            const slides = track.children;
            const want = Math.min(slides[index].offsetLeft - slides[0].offsetLeft,
                                  track.scrollWidth - track.clientWidth);
            return Math.abs(track.scrollLeft - want) < 2;
        }""",
        arg=[track.element_handle(), index],
    )


def test_a_carousel_moves_with_its_buttons_and_the_arrow_keys(
    new_context: NewContext, server: LiveServer
) -> None:
    ana, bo = people(server)
    status_id = three_photos(server, bo)
    page = signed_in(new_context, ana)
    page.goto(f"/@bo/{status_id}")
    carousel = card(page, status_id).get_by_role("group", name="3 photos")
    track = carousel.locator(".slides")
    for name, _ in PHOTOS:
        expect(carousel.get_by_role("img", name=f"A {name} square")).to_have_count(1)
    previous = carousel.locator(".carousel-button.prev")
    following = carousel.locator(".carousel-button.next")
    expect(previous).to_be_hidden()  # at the first photo
    expect(following).to_have_accessible_name("Next photo")

    following.click()
    wait_at_photo(page, track, 1)
    expect(previous).to_have_accessible_name("Previous photo")
    track.focus()
    page.keyboard.press("ArrowRight")
    wait_at_photo(page, track, 2)
    expect(following).to_be_hidden()  # at the last photo
    page.keyboard.press("ArrowLeft")
    wait_at_photo(page, track, 1)
    expect(following).to_be_visible()
    previous.click()
    wait_at_photo(page, track, 0)
    expect(previous).to_be_hidden()
    expect(track).to_be_focused()  # not lost with the button that hid
    page.keyboard.press("ArrowRight")  # two quick presses go two photos on
    page.keyboard.press("ArrowRight")
    wait_at_photo(page, track, 2)
    assert_accessible(page, "a post with three photos")


def test_a_link_cards_video_loads_only_when_asked(
    new_context: NewContext, server: LiveServer
) -> None:
    ana, bo = people(server)
    [status_id] = posts(server, bo, ["watch https://video.example/watch?v=1"])
    with_db(
        server,
        lambda db: attach_card(
            db,
            status_id,
            "https://video.example/watch?v=1",
            type="video",
            title="A clip",
            html='<iframe src="https://video.example/embed/1" width="640" height="360"></iframe>',
            width=640,
            height=360,
        ),
    )
    page = signed_in(new_context, ana)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"/@bo/{status_id}")
    post = card(page, status_id)
    play = post.get_by_role("button", name="Play video from video.example")
    expect(post.get_by_role("link", name="A clip")).to_be_visible()
    assert_accessible(page, "a post with a video card")
    assert not [url for url in asked if "video.example" in url]

    play.click()

    frame = post.locator("iframe")
    expect(frame).to_have_attribute("src", "https://video.example/embed/1")
    expect(frame).to_have_attribute("title", "A clip")
    expect(play).to_have_count(0)


def test_posting_from_home_puts_the_post_on_top_without_a_reload(
    new_context: NewContext, server: LiveServer
) -> None:
    ana, bo = people(server)
    posts(server, bo, ["an older post to read"])
    page = signed_in(new_context, ana)
    page.goto("/following")
    mark(page)
    box = page.get_by_label("Your post")
    box.fill("fresh from the composer")
    page.get_by_role("button", name="Post", exact=True).click()

    newest = page.locator("[data-feed] article.post").first
    expect(newest).to_contain_text("fresh from the composer")
    expect(box).to_have_value("")
    assert page.url.endswith("/following")
    assert_not_reloaded(page)
    assert count_of(server, Status, account_id=ana.account_id) == 1
    # Its buttons work like the others'.
    newest.get_by_role("button", name="Save").click()
    expect(newest.get_by_role("button", name="Save")).to_have_attribute("aria-pressed", "true")
    assert_accessible(page, "Following after posting")
    # The emptied composer has a new idempotency_key: the next post is a post of its own.
    box.fill("a second one")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("[data-feed] article.post").first).to_contain_text("a second one")
    assert count_of(server, Status, account_id=ana.account_id) == 2
