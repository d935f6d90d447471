"""Text attachments in a real browser: composing a long text with its link,
shown behind "Read more", at both sizes and in both colour schemes
(screenshots in tests/artifacts/browser/), the pages audited by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, sign_in
from tests.browser.test_composer import person
from tests.live import LiveServer

LONG = "The whole story, from the start.\n\n" + "It went on and on. " * 40


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_long_text_is_composed_and_read_behind_read_more(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, scheme: str
) -> None:
    person(server, "tess")
    person(server, "uri")
    for size in ("desktop", "phone"):
        author = new_context(size, color_scheme=scheme).new_page()
        sign_in(author, "tess")
        author.goto("/compose")
        author.get_by_label("Your post").fill(f"My essay ({size})")
        author.get_by_role("button", name="Add a long text").click()
        author.get_by_role("textbox", name="Long text").fill(LONG)
        author.get_by_label("Link").fill("https://example.com/essay")
        screenshots.take(author, f"{scheme}-{size}-text-attachment-composer")
        author.get_by_role("button", name="Post", exact=True).last.click()

        reader = new_context(size, color_scheme=scheme).new_page()
        sign_in(reader, "uri")
        reader.goto("/@tess")
        post = reader.locator("article", has_text=f"My essay ({size})").first
        story = post.get_by_text("The whole story, from the start.")
        expect(story).to_be_hidden()  # collapsed
        screenshots.take(reader, f"{scheme}-{size}-text-attachment-collapsed")
        assert_accessible(reader, "a post with a text attachment")
        post.get_by_text("Read more").click()
        expect(story).to_be_visible()
        expect(post.get_by_role("link", name="example.com/essay")).to_be_visible()
        screenshots.take(reader, f"{scheme}-{size}-text-attachment-open")

    # A long text with a poll is refused, naming it, and nothing is posted.
    author.goto("/compose")
    author.get_by_label("Your post").fill("Both at once")
    author.get_by_role("button", name="Add a long text").click()
    author.get_by_role("textbox", name="Long text").fill("More words")
    author.get_by_role("button", name="Add a poll").click()
    author.get_by_label("Option 1").fill("yes")
    author.get_by_label("Option 2").fill("no")
    author.get_by_role("button", name="Post", exact=True).last.click()
    expect(author.get_by_role("alert")).to_contain_text(
        "The long text goes only on a text-only post: not with a poll"
    )
    expect(author.get_by_role("textbox", name="Long text")).to_have_attribute(
        "aria-invalid", "true"
    )


@sqlite_only
def test_the_long_text_is_styled_and_a_draft_keeps_its_styles(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots
) -> None:
    person(server, "vera")
    for size in ("desktop", "phone"):
        page = new_context(size).new_page()
        sign_in(page, "vera")
        page.goto("/compose")
        page.get_by_label("Your post").fill(f"Styled ({size})")
        page.get_by_role("button", name="Add a long text").click()
        area = page.get_by_role("textbox", name="Long text")
        area.fill("Bold words and quiet ones")
        area.evaluate("el => el.setSelectionRange(0, 4)")
        page.get_by_role("button", name="Bold").click()
        expect(page.get_by_role("button", name="Bold")).to_have_attribute("aria-pressed", "true")
        area.evaluate("el => el.setSelectionRange(15, 20)")
        area.press("Control+i")
        expect(page.locator("[data-preview-text] strong")).to_have_text("Bold")
        expect(page.locator("[data-preview-text] em")).to_have_text("quiet")
        screenshots.take(page, f"{size}-long-text-styles")
        assert_accessible(page, "the composer's long text with styles")

        # Saved and opened again, the styles come back as the API stores them.
        page.get_by_role("button", name="Save draft").click()
        page.get_by_role("listitem").filter(has_text=f"Styled ({size})").get_by_role(
            "link", name="Edit this draft"
        ).click()
        styling = page.locator("input[name=text_attachment_styling]")
        expect(styling).to_have_value(
            '[{"offset":0,"length":4,"styling_info":["bold"]},'
            '{"offset":15,"length":5,"styling_info":["italic"]}]'
        )
        expect(page.locator("[data-preview-text] strong")).to_have_text("Bold")
        page.get_by_role("button", name="Post", exact=True).last.click()
        post = page.locator("article", has_text=f"Styled ({size})").first
        post.get_by_text("Read more").click()
        expect(post.locator("strong", has_text="Bold")).to_be_visible()
        expect(post.locator("em", has_text="quiet")).to_be_visible()
