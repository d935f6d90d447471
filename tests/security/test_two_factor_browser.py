"""Setting up two-factor sign-in and signing in with it, in a real browser."""

from __future__ import annotations

import time

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
from tests.browser.helpers import assert_accessible, is_signed_in, sign_up
from tests.web.helpers import PASSWORD
from weft.security import totp_code

pytestmark = pytest.mark.browser


@sqlite_only
def test_set_up_and_sign_in_with_a_code(
    new_context: NewContext,  # noqa: F811 (the fixtures imported above)
    size: str,  # noqa: F811
    screenshots: Screenshots,  # noqa: F811
) -> None:
    page = new_context(size).new_page()
    sign_up(page, "ada")

    page.goto("/settings")
    page.get_by_role("link", name="Two-factor").click()
    page.wait_for_url("**/settings/two_factor")
    assert_accessible(page, f"{size}, two-factor off")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    page.wait_for_url("**/settings/two_factor")
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    assert qr.is_visible()
    assert_accessible(page, f"{size}, scanning")
    screenshots.take(page, "two-factor-scan")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")

    page.get_by_label("Code from the app").fill(totp_code(secret, time.time()))
    page.get_by_role("button", name="Turn on").click()
    codes = page.locator(".code-list code").all_inner_texts()
    assert len(codes) == 10
    assert page.get_by_text("Two-factor sign-in is on.").is_visible()
    assert_accessible(page, f"{size}, backup codes")
    screenshots.take(page, "two-factor-backup-codes")

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("/")
    page.goto("/auth/sign_in")
    page.get_by_label("Email or username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").wait_for()
    assert not is_signed_in(page)
    right = {totp_code(secret, time.time() + 30 * step) for step in (-1, 0, 1)}
    page.get_by_label("Code").fill("000000" if "000000" not in right else "111111")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").first.inner_text() == "Invalid two-factor code"
    assert_accessible(page, f"{size}, a wrong code")
    screenshots.take(page, "two-factor-wrong-code")

    # The next step's code: the confirming one was spent.
    page.get_by_label("Code").fill(totp_code(secret, time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")
    assert is_signed_in(page)
