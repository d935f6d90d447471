"""Signing up, out and in with a real browser, at a desktop and a phone size."""

from __future__ import annotations

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, is_signed_in, sign_in, sign_up


@sqlite_only
def test_sign_up_out_and_in(new_context: NewContext, size: str, screenshots: Screenshots) -> None:
    page = new_context(size).new_page()

    page.goto("/auth/sign_up")
    assert_accessible(page, size)
    screenshots.take(page, "sign-up")
    sign_up(page, "ada")
    screenshots.take(page, "home-signed-in")

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("/")
    assert not is_signed_in(page)

    page.goto("/auth/sign_in")
    assert_accessible(page, size)
    screenshots.take(page, "sign-in")
    sign_in(page, "ada")
    assert page.url.endswith("/")


@sqlite_only
def test_a_refused_form_says_why_next_to_the_field(
    new_context: NewContext, size: str, screenshots: Screenshots
) -> None:
    page = new_context(size).new_page()
    page.goto("/auth/sign_up")
    page.get_by_label("Username").fill("bad name!")
    page.get_by_label("Email").fill("someone@example.com")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_label("Confirm password").fill("correct horse battery")
    page.get_by_label("I agree to the server rules").check()
    page.get_by_role("button", name="Sign up").click()

    username = page.get_by_label("Username")
    assert username.get_attribute("aria-invalid") == "true"
    assert username.input_value() == "bad name!"
    assert page.get_by_role("alert").first.is_visible()
    assert_accessible(page, f"{size}, with an error")
    screenshots.take(page, "sign-up-error")

    page.goto("/auth/sign_in")
    page.get_by_label("Email or username").fill("nobody")
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").first.is_visible()
    assert not is_signed_in(page)
    assert_accessible(page, f"{size}, with an error")
