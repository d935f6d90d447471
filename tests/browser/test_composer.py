"""The composer's live counter in a real browser agrees with the server.

tests/web/fixtures/count_cases.json holds tricky texts with the length the
server gives them (tests/web/test_compose_counting.py keeps the server to it).
Here each is typed into the composer on /compose and the counter it shows is
read back; then a post the counter says fits, newlines and all, is posted
through the page and the server takes it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NewContext, sqlite_only
from tests.browser.helpers import run_async, sign_in
from tests.factories import make_person
from tests.live import LiveServer
from weft.db.database import Database

CASES_FILE = Path(__file__).resolve().parents[1] / "web" / "fixtures" / "count_cases.json"
LIMIT = 500


def cases() -> list[dict[str, Any]]:
    if not CASES_FILE.exists():
        pytest.fail(f"{CASES_FILE} is missing: the composer's counting table")
    found: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    return found


def remaining_shown(page: Page, counter: str = "#text-0-count") -> int:
    """What the counter says is left (negative when over)."""
    text = page.locator(counter).inner_text()
    match = re.fullmatch(r"\s*(\d+) characters? (left|over the limit)\s*", text)
    assert match, f"the counter says {text!r}"
    return int(match.group(1)) * (1 if match.group(2) == "left" else -1)


def person(server: LiveServer, username: str) -> None:
    async def make() -> None:
        db = Database(server.settings.database_url)
        try:
            await make_person(db, server.settings, username)
        finally:
            await db.dispose()

    run_async(make())


@pytest.fixture
def composer(new_context: NewContext, server: LiveServer) -> Page:
    """Someone signed in, on /compose with the options open."""
    person(server, "cora")
    page = new_context().new_page()
    sign_in(page, "cora")
    page.goto("/compose")
    page.get_by_text("Audience, replies, content warning").click()
    return page


@sqlite_only
def test_the_counter_counts_every_case_as_the_server(composer: Page) -> None:
    text = composer.get_by_label("Your post")
    warning = composer.get_by_label("Content warning")
    wrong = []
    for case in cases():
        warning.fill(case["spoiler_text"])
        text.fill(case["text"])
        shown = remaining_shown(composer)
        if shown != LIMIT - case["length"]:
            wrong.append(f"{case['name']}: shows {shown} left, the server counts {case['length']}")
    assert not wrong, "the counter disagrees with the server:\n" + "\n".join(wrong)


@sqlite_only
def test_a_post_over_the_limit_cannot_be_sent(composer: Page) -> None:
    composer.get_by_label("Your post").fill("a" * (LIMIT + 1))
    assert remaining_shown(composer) == -1
    assert composer.get_by_role("button", name="Post", exact=True).is_disabled()
    composer.get_by_label("Your post").fill("a" * LIMIT)
    assert remaining_shown(composer) == 0
    assert composer.get_by_role("button", name="Post", exact=True).is_enabled()


@sqlite_only
def test_a_post_the_counter_says_fits_is_taken(composer: Page) -> None:
    """Lines typed in a text box reach the server as CRLF: they must count once."""
    lines = ["line"] * 100
    text = "\n".join(lines)
    assert len(text) == LIMIT - 1
    composer.get_by_label("Your post").fill(text)
    assert remaining_shown(composer) == 1
    with composer.expect_response("/compose") as answer:
        composer.get_by_role("button", name="Post", exact=True).click()
    assert answer.value.ok, f"the server refused it: {answer.value.text()}"
    composer.wait_for_url(re.compile(r"/@cora/\d+$"))
    assert composer.get_by_text("line").first.is_visible()


@sqlite_only
def test_an_edit_the_counter_says_fits_is_taken(composer: Page) -> None:
    composer.get_by_label("Your post").fill("first version")
    composer.get_by_role("button", name="Post", exact=True).click()
    composer.wait_for_url(re.compile(r"/@cora/\d+$"))
    composer.goto(composer.url + "/edit")
    text = "\n".join(["line"] * 100)
    composer.get_by_label("Your post").fill(text)
    assert remaining_shown(composer, "#text-count") == 1
    with composer.expect_response(re.compile(r"/edit$")) as answer:
        composer.get_by_role("button", name="Save").click()
    assert answer.value.status in (200, 303), f"the server refused it: {answer.value.text()}"
    composer.wait_for_url(re.compile(r"/@cora/\d+$"))
    expect(composer.get_by_text("line").first).to_be_visible()
