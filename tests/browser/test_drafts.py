"""Drafts and ghost posts in a real browser: "Save draft" in the composer, the
Drafts page (edit, publish, delete), and a ghost post marked with its end, at
both sizes and in both colour schemes (screenshots in tests/artifacts/browser/),
audited by axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, sign_in
from tests.browser.test_composer import person
from tests.browser.test_journey import a_picture
from tests.live import LiveServer


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_draft_is_saved_listed_edited_and_published(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, scheme: str
) -> None:
    person(server, "dora")
    for size in ("desktop", "phone"):
        page = new_context(size, color_scheme=scheme).new_page()
        sign_in(page, "dora")
        page.goto("/compose")
        page.get_by_label("Your post").fill(f"Half a ||thought|| ({size})")
        page.get_by_role("button", name="Add a topic").click()
        page.get_by_role("textbox", name="Topic").fill("Musings")
        page.get_by_role("button", name="Save draft").click()

        expect(page.get_by_role("heading", name="Drafts")).to_be_visible()
        draft = page.get_by_role("listitem").filter(has_text=f"Half a thought ({size})")
        expect(draft).to_contain_text("Musings")
        screenshots.take(page, f"{scheme}-{size}-drafts")
        assert_accessible(page, "the drafts page")

        # Opened in the composer, it comes back as typed; saving changes it.
        draft.get_by_role("link", name="Edit this draft").click()
        expect(page.get_by_label("Your post")).to_have_value(f"Half a ||thought|| ({size})")
        page.get_by_label("Your post").fill(f"A whole ||thought|| ({size})")
        page.get_by_role("button", name="Save draft").click()
        draft = page.get_by_role("listitem").filter(has_text=f"A whole thought ({size})")
        expect(draft).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text="Half a thought")).to_have_count(0)

        draft.get_by_role("button", name="Publish this draft").click()
        post = page.locator("article", has_text=f"A whole thought ({size})").first
        expect(post.get_by_role("link", name="Musings")).to_be_visible()
        expect(post.get_by_role("button", name="Spoiler, press to show")).to_have_text("thought")
        page.goto("/drafts")
        expect(page.get_by_text("No drafts.")).to_be_visible()

    # One saved and deleted; a thread can't be a draft.
    page.goto("/compose")
    page.get_by_label("Your post").fill("Never mind")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Delete this draft").click()
    expect(page.get_by_text("No drafts.")).to_be_visible()
    page.goto("/compose")
    page.get_by_label("Your post").fill("One")
    page.get_by_role("button", name="Add another post to the thread").click()
    page.get_by_label("Post 2 of 2").fill("Two")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_contain_text("a draft holds one post")


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_ghost_post_is_marked_with_its_end(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, scheme: str
) -> None:
    person(server, "gus")
    for size in ("desktop", "phone"):
        page = new_context(size, color_scheme=scheme).new_page()
        sign_in(page, "gus")
        page.goto("/compose")
        page.get_by_label("Your post").fill(f"Here today ({size})")
        page.get_by_text("Audience, replies, content warning").click()
        page.get_by_label("Ghost post (disappears after 24 hours)").check()
        page.get_by_role("button", name="Post", exact=True).last.click()
        post = page.locator("article", has_text=f"Here today ({size})").first
        expect(post).to_contain_text("Ghost post, gone")
        expect(post.locator(".ghost time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
        screenshots.take(page, f"{scheme}-{size}-ghost-post")
        assert_accessible(page, "a ghost post")

    # Not with a poll: refused, naming it.
    page.goto("/compose")
    page.get_by_label("Your post").fill("Vote and vanish")
    page.get_by_text("Audience, replies, content warning").click()
    page.get_by_label("Ghost post (disappears after 24 hours)").check()
    page.get_by_role("button", name="Add a poll").click()
    page.get_by_label("Option 1").fill("Yes")
    page.get_by_label("Option 2").fill("No")
    page.get_by_role("button", name="Post", exact=True).last.click()
    expect(page.get_by_role("alert")).to_contain_text("ghost")


@sqlite_only
def test_a_draft_with_a_photo_is_reopened_and_posted(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, tmp_path: Path
) -> None:
    person(server, "pia")
    for size in ("desktop", "phone"):
        page = new_context(size).new_page()
        sign_in(page, "pia")
        page.goto("/compose")
        page.get_by_label("Your post").fill(f"A view ({size})")
        page.locator("[data-box] input[type=file][data-js-media]").first.set_input_files(
            a_picture(tmp_path)
        )
        page.get_by_label("Alt text for ada.png").fill("A red square")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_role("heading", name="Drafts")).to_be_visible()

        # Drafts are linked from settings, with their count.
        page.goto("/settings")
        page.get_by_role("link", name="Drafts (1)").click()
        draft = page.get_by_role("listitem").filter(has_text=f"A view ({size})")
        expect(draft).to_contain_text("1 photo or video")
        draft.get_by_role("link", name="Edit this draft").click()
        kept = page.locator(".kept-media img")
        expect(kept).to_have_count(1)
        expect(page.get_by_label("Alt text for photo or video 1")).to_have_value("A red square")
        expect(page.get_by_label("Keep photo or video 1")).to_be_checked()
        screenshots.take(page, f"{size}-draft-with-photo")
        assert_accessible(page, "a draft with a photo in the composer")
        page.get_by_label("Alt text for photo or video 1").fill("A red square, blue inside")
        page.get_by_role("button", name="Post", exact=True).last.click()
        post = page.locator("article", has_text=f"A view ({size})").first
        expect(post.get_by_role("img", name="A red square, blue inside")).to_have_count(1)
        page.goto("/drafts")
        expect(page.get_by_text("No drafts.")).to_be_visible()
