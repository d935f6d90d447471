"""Two people use Weft in a real browser, at a desktop and a phone size.

Ada signs up, fills in her profile (name, bio, picture) and posts; Bea signs
up, follows her, likes, replies to and quotes the post; Ada finds all of it in
Activity, searches for Bea and finds her, then signs out and in again. Every
step goes through the page as a person would (links in the main navigation,
labelled fields, named buttons), so the accessible names are checked too. A
screenshot of each page lands in tests/artifacts/browser/ (git-ignored);
axe-core audits the pages that only this journey fills with content.

Also: the composer and a like button work from the keyboard alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, is_signed_in, sign_in, sign_up

POST_TEXT = "Hello from Ada, first post on Weft"
POST_URL = re.compile(r"/@ada/(\d+)$")


def nav(page: Page, name: str) -> Locator:
    """A link of the main navigation (the left rail, or the bottom bar on a phone).
    Activity's name says how many notifications are new ("Activity, 2 new
    notifications"), so the name is matched from its start."""
    pattern = re.compile(rf"^{re.escape(name)}(, .*)?$")
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=pattern)


def post_card(page: Page, text: str) -> Locator:
    return page.get_by_role("article").filter(has_text=text).first


def publish(page: Page, text: str) -> str:
    """Post ``text`` from the composer the page shows; return the new post's path."""
    box = page.get_by_label("Your post")
    box.fill(f"{box.input_value()}{text}")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r"/@\w+/\d+$"))
    expect(post_card(page, text)).to_be_visible()
    return page.url


def a_picture(folder: Path) -> Path:
    path = folder / "ada.png"
    picture = Image.new("RGB", (120, 120), (180, 60, 40))
    picture.paste((40, 90, 180), (30, 30, 90, 90))
    picture.save(path)
    return path


def test_two_people_meet(
    new_context: NewContext, size: str, screenshots: Screenshots, tmp_path: Path
) -> None:
    ada = new_context(size).new_page()
    bea = new_context(size).new_page()

    # Ada signs up and fills in her profile.
    sign_up(ada, "ada")
    screenshots.take(ada, "ada-home")
    nav(ada, "Profile").click()
    ada.get_by_role("link", name="Edit profile").click()
    ada.get_by_label("Display name").fill("Ada Lovelace")
    ada.get_by_label("Bio").fill("Writes notes on engines.")
    ada.get_by_label("Profile picture").set_input_files(a_picture(tmp_path))
    ada.get_by_role("button", name="Save profile").click()
    expect(ada.get_by_text("Your profile was saved.")).to_be_visible()
    assert_accessible(ada, f"{size}, profile saved")
    screenshots.take(ada, "ada-profile-saved")
    nav(ada, "Profile").click()
    expect(ada.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()
    expect(ada.get_by_text("Writes notes on engines.")).to_be_visible()
    picture = ada.get_by_role("img", name="Profile picture of Ada Lovelace")
    assert "missing" not in (picture.get_attribute("src") or "")
    screenshots.take(ada, "ada-profile")

    # Ada posts.
    nav(ada, "Create").click()
    post_path = publish(ada, POST_TEXT)
    screenshots.take(ada, "ada-post")

    # Bea signs up, follows Ada, likes, replies and quotes.
    sign_up(bea, "bea")
    bea.goto("/@ada")
    bea.get_by_role("button", name="Follow @ada", exact=True).click()
    expect(bea.get_by_role("button", name="Unfollow @ada", exact=True)).to_be_visible()
    screenshots.take(bea, "bea-follows-ada")

    bea.goto(post_path)
    like = post_card(bea, POST_TEXT).get_by_role("button", name=re.compile(r"^Like"))
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_accessible_name("Like (1)")
    screenshots.take(bea, "bea-liked")

    post_card(bea, POST_TEXT).get_by_role("link", name=re.compile(r"^Reply")).click()
    expect(bea.get_by_text("Replying to")).to_be_visible()
    screenshots.take(bea, "bea-replying")
    publish(bea, "Welcome, Ada!")
    screenshots.take(bea, "bea-reply")

    bea.goto(post_path)
    post_card(bea, POST_TEXT).get_by_role("link", name=re.compile(r"^Quote")).click()
    expect(bea.get_by_text("Quoting")).to_be_visible()
    publish(bea, "Everyone should read Ada's post")
    expect(bea.locator("blockquote").filter(has_text=POST_TEXT)).to_be_visible()
    screenshots.take(bea, "bea-quote")

    bea.goto(post_path)
    assert_accessible(bea, f"{size}, a post with a like, a reply and a quote")
    screenshots.take(bea, "ada-post-with-reply")

    # Ada sees it all in Activity.
    nav(ada, "Activity").click()
    for verb in ("followed you", "liked your post", "quoted your post", "replied to your post"):
        expect(ada.get_by_role("listitem").filter(has_text=verb).first).to_contain_text("bea")
    assert_accessible(ada, f"{size}, activity")
    screenshots.take(ada, "ada-activity")

    # Ada searches for Bea and opens her profile.
    nav(ada, "Search").click()
    ada.get_by_role("searchbox", name="Search people, posts and topics").fill("bea")
    ada.keyboard.press("Enter")
    ada.wait_for_url(re.compile(r"/search\?q=bea"))
    found = ada.get_by_role("link", name=re.compile(r"@bea\b"))
    expect(found.first).to_be_visible()
    assert_accessible(ada, f"{size}, search results")
    screenshots.take(ada, "ada-search")
    found.first.click()
    ada.wait_for_url(re.compile(r"/@bea$"))
    expect(ada.get_by_text("Follows you")).to_be_visible()
    screenshots.take(ada, "bea-profile")

    # Ada signs out and back in.
    ada.get_by_role("button", name="Sign out").click()
    ada.wait_for_url("/")
    assert not is_signed_in(ada)
    screenshots.take(ada, "signed-out")
    sign_in(ada, "ada")
    screenshots.take(ada, "signed-in-again")


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus (fail after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target} on {page.url}")


@sqlite_only
def test_posting_and_liking_with_the_keyboard(
    new_context: NewContext, screenshots: Screenshots
) -> None:
    ada = new_context().new_page()
    sign_up(ada, "ada")

    ada.goto("/compose")
    box = ada.get_by_label("Your post")
    ada.locator("body").focus()
    tab_to(ada, box)
    ada.keyboard.type(POST_TEXT)
    tab_to(ada, ada.get_by_role("button", name="Post", exact=True))
    ada.keyboard.press("Enter")
    ada.wait_for_url(POST_URL)
    screenshots.take(ada, "posted-by-keyboard")

    like = post_card(ada, POST_TEXT).get_by_role("button", name=re.compile(r"^Like"))
    tab_to(ada, like)
    ada.keyboard.press("Space")
    expect(like).to_have_attribute("aria-pressed", "true")
    tab_to(ada, like)
    ada.keyboard.press("Enter")
    expect(like).to_have_attribute("aria-pressed", "false")
    screenshots.take(ada, "liked-and-unliked-by-keyboard")
