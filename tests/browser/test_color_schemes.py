"""Every kind of page in the dark colour scheme, at a desktop and a phone size,
passes axe-core (contrast included), with content that uses every style: a
post with photos, a link card with a video, a quote, a content warning,
Activity with likes and follows, search results, settings, the composer.

Screenshots of each page in both schemes land in tests/artifacts/browser/ for
a person to look at; the light scheme's audits are in test_followers_only.py
and test_journey.py.
"""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, sign_in
from tests.browser.test_page_script import people, posts, three_photos, with_db
from tests.live import LiveServer
from tests.web.remote_helpers import attach_card, follow_remote, remote_account, remote_post
from weft.actions.graph import follow_account
from weft.actions.interactions import favourite
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database

pytestmark = sqlite_only


def seed(server: LiveServer) -> dict[str, str]:
    """bo posts photos, a video link and a quote; ana follows, likes and replies."""
    ana, bo = people(server)
    photos = three_photos(server, bo)
    [video] = posts(server, bo, ["watch https://video.example/watch?v=1"])

    async def more(db: Database) -> int:
        await attach_card(
            db,
            video,
            "https://video.example/watch?v=1",
            type="video",
            title="A clip",
            description="Two minutes of weaving.",
            provider_name="VideoSite",
            html='<iframe src="https://video.example/embed/1" width="640" height="360"></iframe>',
        )
        settings = server.settings
        await follow_account(db, bo.account_id, ana.account_id)
        await favourite(db, bo.account_id, photos)
        own = await post_status(db, settings, ana.account_id, Draft("my own words #weaving"))
        await favourite(db, bo.account_id, own.id)
        quote = Draft("look at these colours", quoted_status_id=photos)
        await post_status(db, settings, ana.account_id, quote)
        await post_status(
            db, settings, bo.account_id, Draft("@ana what did you think?", in_reply_to_id=own.id)
        )
        far = await remote_account(db, "far", "far.example")
        await follow_remote(db, ana.account_id, far)
        await remote_post(db, far, "hello from another server")
        warned = Draft("the butler did it", spoiler_text="About the ending")
        await post_status(db, settings, bo.account_id, warned)
        return own.id

    own = with_db(server, more)
    return {
        "for you": "/",
        "following": "/following",
        "fediverse": "/fediverse",
        "post with photos": f"/@bo/{photos}",
        "post with a video card": f"/@bo/{video}",
        "own post": f"/@ana/{own}",
        "profile": "/@bo",
        "own profile": "/@ana",
        "activity": "/activity",
        "search": "/search?q=bo",
        "search posts": "/search?q=weaving&type=statuses",
        "settings": "/settings",
        "privacy settings": "/settings/privacy",
        "compose": "/compose",
        "quote": f"/compose?quote={photos}",
    }


def audit(page: Page, pages: dict[str, str], label: str, screenshots: Screenshots) -> None:
    for name, path in pages.items():
        page.goto(path)
        assert_accessible(page, f"{label}, {name}")
        screenshots.take(page, f"{label}-{name.replace(' ', '-')}")


def test_every_page_in_dark_and_light_at_both_sizes(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots
) -> None:
    pages = seed(server)
    for size in ("desktop", "phone"):
        dark = new_context(size, color_scheme="dark").new_page()
        sign_in(dark, "ana")
        audit(dark, pages, f"dark-{size}", screenshots)
    light = new_context("phone", color_scheme="light").new_page()
    sign_in(light, "ana")
    audit(light, pages, "light-phone", screenshots)
