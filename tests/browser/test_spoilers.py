"""Spoilers in a real browser: composing one with ``||bars||``, the range hidden
until tapped, at both sizes and in both colour schemes (screenshots in
tests/artifacts/browser/), with the pages audited by axe-core."""

from __future__ import annotations

import re

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


@sqlite_only
def test_the_edit_form_marks_a_spoiler_and_names_a_refusal(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots
) -> None:
    person(server, "edna")
    for size in ("desktop", "phone"):
        page = new_context(size).new_page()
        sign_in(page, "edna")
        page.goto("/compose")
        page.get_by_label("Your post").fill(f"The ending ({size}) is a surprise")
        page.get_by_role("button", name="Post", exact=True).last.click()
        page.wait_for_url(re.compile(r"/@edna/\d+$"))
        post_id = page.url.rstrip("/").split("/")[-1]
        page.goto(f"/@edna/{post_id}/edit")
        text = page.get_by_label("Your post")
        start = len(f"The ending ({size}) is ")
        text.evaluate(f"el => el.setSelectionRange({start}, {start + 10})")
        page.get_by_role("button", name="Mark selection as spoiler").click()
        expect(text).to_have_value(f"The ending ({size}) is ||a surprise||")
        screenshots.take(page, f"{size}-edit-spoiler")
        assert_accessible(page, "the edit form")
        page.get_by_role("button", name="Save").click()
        shown = page.locator("article", has_text=f"The ending ({size})").first
        expect(shown.get_by_role("button", name="Spoiler, press to show")).to_have_text(
            "a surprise"
        )

    # Eleven ranges are refused, and the form says why under the text.
    page.goto(f"/@edna/{post_id}/edit")
    page.get_by_label("Your post").fill(" ".join(f"||w{i}||" for i in range(11)))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#text-error")).to_contain_text("The spoilers: can hold at most 10")
