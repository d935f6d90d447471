"""Settings > Hidden words in a real browser, at both sizes and in both colour
schemes (screenshots in tests/artifacts/browser/), audited by axe-core: a word
added hides a post from the profile, a warn filter collapses one behind
"Hidden by your filter", and the offensive list is switched off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (  # the browser tests' fixtures, used here too
    NewContext,
    Screenshots,
    browser,
    new_context,
    screenshots,
    sqlite_only,
)
from tests.browser.helpers import assert_accessible, run_async, sign_in
from tests.factories import make_person
from tests.live import LiveServer
from tests.timelines.helpers import post
from weft.actions.filters import FilterChange, KeywordChange, create_filter
from weft.db.database import Database

pytestmark = pytest.mark.browser
__all__ = ["browser", "new_context", "screenshots"]


def setup(server: LiveServer) -> None:
    async def make() -> None:
        db = Database(server.settings.database_url)
        try:
            hana = await make_person(db, server.settings, "hana")
            bob = await make_person(db, server.settings, "bob")
            await post(db, server.settings, bob, "A cursed loom")
            await post(db, server.settings, bob, "The finale of the show")
            await post(db, server.settings, bob, "what a bastard")
            await create_filter(
                db,
                hana.account_id,
                FilterChange(
                    title="Spoilers",
                    context=["account"],
                    action="warn",
                    keywords=[KeywordChange("finale")],
                ),
            )
        finally:
            await db.dispose()

    run_async(make())


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_hidden_words_in_the_browser(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, scheme: str
) -> None:
    setup(server)
    for size in ("desktop", "phone"):
        page = new_context(size, color_scheme=scheme).new_page()
        sign_in(page, "hana")
        page.goto("/@bob")
        expect(page.get_by_text("A cursed loom")).to_be_visible()
        expect(page.get_by_text("what a bastard")).to_have_count(0)
        warned = page.locator("article", has_text="Hidden by your filter")
        expect(warned.get_by_text("The finale of the show")).to_be_hidden()
        warned.get_by_text("Hidden by your filter “Spoilers”").click()
        expect(warned.get_by_text("The finale of the show")).to_be_visible()
        screenshots.take(page, f"{scheme}-{size}-profile")

        page.goto("/settings")
        page.get_by_role("link", name="Hidden words").first.click()
        expect(page.get_by_role("heading", name="Hidden words", exact=True)).to_be_visible()
        page.get_by_label("Word, phrase or emoji").fill("cursed")
        page.get_by_role("button", name="Hide", exact=True).click()
        expect(page.get_by_text("The word is hidden.")).to_be_visible()
        expect(page.get_by_role("list", name="Your hidden words")).to_contain_text("cursed")
        expect(page.get_by_text("Spoilers")).to_be_visible()  # the app's filter, listed
        screenshots.take(page, f"{scheme}-{size}-hidden-words")
        assert_accessible(page, "the hidden words page")

        page.goto("/@bob")
        expect(page.get_by_text("A cursed loom")).to_have_count(0)
        assert_accessible(page, "a profile with a warned post")

        page.goto("/settings/hidden_words")
        page.get_by_role("button", name="Remove cursed").click()
        expect(page.get_by_text("The word is no longer hidden.")).to_be_visible()
        page.get_by_label("Hide common offensive words").uncheck()
        page.get_by_role("button", name="Save", exact=True).click()
        page.goto("/@bob")
        expect(page.get_by_text("what a bastard")).to_be_visible()
        expect(page.get_by_text("A cursed loom")).to_be_visible()
        # Back on for the next size.
        page.goto("/settings/hidden_words")
        page.get_by_label("Hide common offensive words").check()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved.")).to_be_visible()
