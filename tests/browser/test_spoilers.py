"""Spoilers in a real browser: composing one with ``||bars||``, the range hidden
until tapped, at both sizes and in both colour schemes (screenshots in
tests/artifacts/browser/), with the pages audited by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, sign_in
from tests.browser.test_composer import person
from tests.live import LiveServer


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_spoiler_is_composed_hidden_and_revealed(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, scheme: str
) -> None:
    person(server, "cora")
    person(server, "dev")
    for size in ("desktop", "phone"):
        author = new_context(size, color_scheme=scheme).new_page()
        sign_in(author, "cora")
        author.goto("/compose")
        author.get_by_label("Your post").fill(f"The scarf ({size}) is ||made of silk|| after all")
        author.get_by_role("button", name="Post", exact=True).last.click()

        reader = new_context(size, color_scheme=scheme).new_page()
        sign_in(reader, "dev")
        reader.goto("/@cora")
        post = reader.locator("article", has_text=f"The scarf ({size})").first
        hidden = post.get_by_role("button", name="Spoiler, press to show")
        expect(hidden).to_have_text("made of silk")
        expect(hidden).to_have_css("color", "rgba(0, 0, 0, 0)")  # transparent: not readable
        screenshots.take(reader, f"{scheme}-{size}-spoiler-hidden")
        assert_accessible(reader, "a post with a spoiler")
        hidden.click()
        shown = post.locator(".spoiler.revealed")
        expect(shown).to_have_text("made of silk")
        expect(shown).not_to_have_css("color", "rgba(0, 0, 0, 0)")
        screenshots.take(reader, f"{scheme}-{size}-spoiler-shown")
