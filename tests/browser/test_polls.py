"""Polls in a real browser: composing one, voting in it, seeing the results,
at both sizes and in both colour schemes (screenshots in tests/artifacts/browser/),
with the pages audited by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, sign_in
from tests.browser.test_composer import person
from tests.live import LiveServer


def compose_poll(page: Page) -> str:
    page.goto("/compose")
    page.get_by_label("Your post").fill("Which fibre for the scarf?")
    page.get_by_role("button", name="Add a poll").click()
    page.get_by_label("Option 1").fill("Wool")
    page.get_by_label("Option 2").fill("Linen")
    page.get_by_label("Option 3").fill("Silk")
    page.get_by_label("Poll length").select_option("3600")
    page.get_by_role("button", name="Post", exact=True).last.click()
    expect(page.locator(".poll").first).to_be_visible()
    return page.url


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_poll_is_composed_voted_on_and_its_results_shown(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, scheme: str
) -> None:
    person(server, "cora")
    person(server, "dev")
    for size in ("desktop", "phone"):
        author = new_context(size, color_scheme=scheme).new_page()
        sign_in(author, "cora")
        author.goto("/compose")
        author.get_by_role("button", name="Add a poll").click()
        screenshots.take(author, f"{scheme}-{size}-composer")
        assert_accessible(author, "the composer with a poll")
        compose_poll(author)
        author.goto("/@cora")
        poll = author.locator(".poll").first
        expect(poll).to_contain_text("Wool")
        expect(poll.get_by_role("button", name="Vote")).to_have_count(0)  # not in one's own poll

        voter = new_context(size, color_scheme=scheme).new_page()
        sign_in(voter, "dev")
        voter.goto("/@cora")
        poll = voter.locator(".poll").first
        screenshots.take(voter, f"{scheme}-{size}-to-vote")
        assert_accessible(voter, "a poll to vote in")
        poll.get_by_label("Linen").check()
        poll.get_by_role("button", name="Vote").click()
        voted = voter.locator(".poll").first
        expect(voted.locator(".poll-result.chosen")).to_contain_text("Linen")
        expect(voted).to_contain_text("100%")
        expect(voted).to_contain_text("1 voter")
        screenshots.take(voter, f"{scheme}-{size}-voted")
        assert_accessible(voter, "a poll's results")


@sqlite_only
def test_a_poll_with_one_option_is_refused_in_the_form(
    new_context: NewContext, server: LiveServer
) -> None:
    person(server, "cora")
    page = new_context().new_page()
    sign_in(page, "cora")
    page.goto("/compose")
    page.get_by_label("Your post").fill("Just one?")
    page.get_by_role("button", name="Add a poll").click()
    page.get_by_label("Option 1").fill("Only")
    page.get_by_role("button", name="Post", exact=True).last.click()
    expect(page.locator("#compose-problem, .error-summary").first).to_contain_text(
        "must have 2 to 4 options"
    )
