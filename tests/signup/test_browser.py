"""Sign-up with the server's rules and an invite link, and the admin pages
that set them up, in a real browser at a desktop and a phone size (axe-clean)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (  # noqa: F401 (the browser fixtures, used by name)
    NewContext,
    Screenshots,
    browser,
    new_context,
    screenshots,
    size,
    sqlite_only,
)
from tests.browser.helpers import assert_accessible, assert_signed_in, sign_in
from tests.factories import PASSWORD, Person
from tests.live import LiveServer
from tests.signup.conftest import set_mode

pytestmark = pytest.mark.browser


@sqlite_only
def test_rules_and_an_invite_link(
    new_context: NewContext,  # noqa: F811 (the fixtures imported above)
    size: str,  # noqa: F811
    screenshots: Screenshots,  # noqa: F811
    server: LiveServer,
    admin: Person,
) -> None:
    page = new_context(size).new_page()
    sign_in(page, "ada")

    page.goto("/admin/settings/rules")
    page.get_by_label("Rule", exact=True).fill("Be kind to each other")
    page.get_by_label("Explanation", exact=True).fill("No insults, no harassment.")
    page.get_by_role("button", name="Add the rule").click()
    page.wait_for_url("**/admin/settings/rules?done=added")
    assert page.get_by_role("status").filter(has_text="The rule is added.").is_visible()
    assert_accessible(page, f"{size}, rules")
    screenshots.take(page, "admin-rules")

    page.goto("/admin/settings/registrations")
    page.get_by_label("Invited people only").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin/settings/registrations?done=saved")
    assert page.get_by_label("Invited people only").is_checked()
    assert_accessible(page, f"{size}, sign-up mode")
    screenshots.take(page, "admin-registrations")

    page.goto("/invites")
    page.get_by_label("Expires after").select_option(label="1 day")
    page.get_by_label("Uses").select_option(label="1 use")
    page.get_by_role("button", name="Make an invite link").click()
    page.wait_for_url("**/invites?done=made")
    link = page.get_by_label("Invite link", exact=True).first.input_value()
    assert "/invite/" in link
    assert_accessible(page, f"{size}, invites")
    screenshots.take(page, "invites")

    stranger = new_context(size).new_page()
    stranger.goto("/auth/sign_up")
    assert stranger.get_by_text("This server signs people up by invitation only").is_visible()
    assert_accessible(stranger, f"{size}, invite only")
    stranger.goto(link)
    assert stranger.get_by_text("You were invited").is_visible()
    assert stranger.get_by_text("Be kind to each other").is_visible()
    assert_accessible(stranger, f"{size}, invited sign-up")
    screenshots.take(stranger, "invited-sign-up")
    stranger.get_by_label("Username").fill("fay")
    stranger.get_by_label("Email").fill("fay@example.com")
    stranger.get_by_label("Password", exact=True).fill(PASSWORD)
    stranger.get_by_label("Confirm password").fill(PASSWORD)
    stranger.get_by_label("I agree to the server rules").check()
    stranger.get_by_role("button", name="Sign up").click()
    stranger.wait_for_url("/")
    assert_signed_in(stranger)

    late = new_context(size).new_page()
    late.goto(link)
    assert late.get_by_role("heading", name="This invite link can't be used").is_visible()
    assert late.get_by_text("used as many times as it allows").is_visible()
    assert_accessible(late, f"{size}, used-up invite")
    screenshots.take(late, "used-up-invite")


@sqlite_only
def test_asking_to_join_and_the_queue(
    new_context: NewContext,  # noqa: F811
    size: str,  # noqa: F811
    screenshots: Screenshots,  # noqa: F811
    server: LiveServer,
    admin: Person,
) -> None:
    set_mode(server, admin, "approval")
    page = new_context(size).new_page()
    page.goto("/auth/sign_up")
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Email").fill("dora@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_label("I agree to the server rules").check()
    page.get_by_role("button", name="Ask to join").click()
    reason = page.get_by_label("Why do you want to join?")
    assert reason.get_attribute("aria-invalid") == "true"
    assert_accessible(page, f"{size}, reason missing")
    screenshots.take(page, "reason-missing")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_label("I agree to the server rules").check()
    reason.fill("I knit socks and want to share patterns.")
    page.get_by_role("button", name="Ask to join").click()
    assert page.get_by_role("heading", name="Your sign-up is waiting for approval").is_visible()
    assert_accessible(page, f"{size}, waiting")

    admin_page = new_context(size).new_page()
    sign_in(admin_page, "ada")
    admin_page.goto("/admin/settings/sign_ups")
    assert admin_page.get_by_text("I knit socks and want to share patterns.").is_visible()
    assert_accessible(admin_page, f"{size}, queue")
    screenshots.take(admin_page, "queue")
    admin_page.get_by_role("button", name="Approve @dora").click()
    admin_page.wait_for_url("**/admin/settings/sign_ups?done=approved")
    assert admin_page.get_by_text("No sign-ups are waiting.").is_visible()

    sign_in(page, "dora")
