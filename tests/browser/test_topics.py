"""Topics in a real browser: composing a post with a topic, the topic on the
post, its page (Recent, Top) and following it, at both sizes and in both
colour schemes (screenshots in tests/artifacts/browser/), audited by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, sign_in
from tests.browser.test_composer import person
from tests.live import LiveServer


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_topic_is_composed_shown_and_followed(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, scheme: str
) -> None:
    person(server, "vera")
    person(server, "walt")
    for size in ("desktop", "phone"):
        author = new_context(size, color_scheme=scheme).new_page()
        sign_in(author, "vera")
        author.goto("/compose")
        author.get_by_label("Your post").fill(f"Seeds are in ({size})")
        author.get_by_role("button", name="Add a topic").click()
        author.get_by_role("textbox", name="Topic").fill("Home Gardening")
        author.get_by_role("button", name="Post", exact=True).last.click()

        reader = new_context(size, color_scheme=scheme).new_page()
        sign_in(reader, "walt")
        reader.goto("/@vera")
        post = reader.locator("article", has_text=f"Seeds are in ({size})").first
        topic = post.get_by_role("link", name="Home Gardening")
        expect(topic).to_be_visible()
        screenshots.take(reader, f"{scheme}-{size}-topic-on-post")
        topic.click()
        expect(reader.get_by_role("heading", name="Home Gardening")).to_be_visible()
        expect(reader.locator("article", has_text=f"Seeds are in ({size})")).to_be_visible()
        button = reader.get_by_role("button", name="Follow Home Gardening")
        if size == "desktop":
            button.click()
        following = reader.get_by_role("button", name="Following Home Gardening")
        expect(following).to_be_visible()
        screenshots.take(reader, f"{scheme}-{size}-topic-page")
        assert_accessible(reader, "a topic's page")
        reader.get_by_role("link", name="Top").click()
        expect(reader.locator("article", has_text="Seeds are in")).to_have_count(
            2 if size == "phone" else 1
        )

    # A topic with "&" is refused, naming it.
    author.goto("/compose")
    author.get_by_label("Your post").fill("Research")
    author.get_by_role("button", name="Add a topic").click()
    author.get_by_role("textbox", name="Topic").fill("R&D")
    author.get_by_role("button", name="Post", exact=True).last.click()
    expect(author.get_by_role("alert")).to_contain_text("The topic can't contain '&'")
