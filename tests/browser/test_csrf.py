"""Every form of the web app refuses a post without this browser's CSRF token.

The routes come from the web router itself, so a form added tomorrow is
covered. Each is posted over HTTP by someone signed in, with path parameters
naming their own post and a person they block, and with fields that would
change something; each must answer 403 and change nothing. In Chromium, a
like sent by the page's script and a plain form, both stripped of the token,
are refused and the person is told.
"""

from __future__ import annotations

import gc
import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import fill, sign_up, web_routes
from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.web.helpers import FORM_MESSAGE, sign_in_form
from weft.actions.graph import block_account
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.web.session import SAFE_METHODS

CHANGED = "csrf-changed-this"


def unsafe_routes() -> list[tuple[str, str]]:
    return [(method, path) for method, path in web_routes() if method not in SAFE_METHODS]


# Fields that, had the token not been checked, would change the profile, post,
# sign in or out, or authorize an app.
FIELDS = {
    "display_name": CHANGED,
    "note": CHANGED,
    "status": CHANGED,
    "text": CHANGED,
    "login": "mallory",
    "password": "correct horse battery",
    "locked": "1",
}


def test_the_router_has_forms_to_check() -> None:
    routes = set(unsafe_routes())
    assert ("POST", "/auth/sign_out") in routes
    assert ("POST", "/auth/sign_in") in routes


async def test_every_form_without_its_token_is_refused(server: LiveServer, db: Database) -> None:
    alice = await make_person(db, server.settings, "alice")
    mallory = await make_person(db, server.settings, "mallory")
    post = await post_status(db, server.settings, alice.account_id, Draft("hello"))
    await block_account(db, alice.account_id, mallory.account_id)
    values = {
        "acct": "alice",
        "username": "alice",
        "status_id": str(post.id),
        "id": str(post.id),
        "account_id": str(mallory.account_id),
    }
    with server.client() as browser, server.client() as other:
        assert sign_in_form(browser, "alice").status_code == 303
        assert sign_in_form(other, "mallory").status_code == 303
        foreign_token = session_token(other)
        for method, template in sorted(set(unsafe_routes())):
            path = fill(template, values)
            for what, data in (
                ("no token", FIELDS),
                ("another person's token", {**FIELDS, "csrf_token": foreign_token}),
            ):
                response = browser.request(method, path, data=data)
                assert response.status_code == 403, f"{method} {path} with {what}"
                assert FORM_MESSAGE in response.text, f"{method} {path} with {what}"
        assert_nothing_changed(browser, alice, post.id)


def session_token(client: httpx.Client) -> str:
    """The signed-in session's form token, read from a page's sign-out form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert match, "no form token on the home page"
    return match.group(1)


def assert_nothing_changed(browser: httpx.Client, alice: Person, post_id: int) -> None:
    shown = browser.get(f"/api/v1/statuses/{post_id}", headers=alice.auth)
    assert shown.status_code == 200, "the post was deleted"
    status = shown.json()
    assert status["content"] == "<p>hello</p>"
    assert not status["favourited"]
    assert not status["reblogged"]
    assert not status["bookmarked"]
    me = browser.get("/api/v1/accounts/verify_credentials", headers=alice.auth).json()
    assert me["display_name"] != CHANGED
    assert CHANGED not in me["note"]
    assert not me["locked"]
    assert me["statuses_count"] == 1
    blocked = browser.get("/api/v1/blocks", headers=alice.auth).json()
    assert [b["username"] for b in blocked] == ["mallory"]
    # Still signed in as alice: neither signed out nor switched to mallory.
    assert "@alice" in browser.get("/").text
    assert browser.cookies.get("weft_session")


@pytest.mark.parametrize("path", ["/auth/sign_in", "/auth/sign_up"])
def test_an_anonymous_form_needs_the_cookie_token(client: httpx.Client, path: str) -> None:
    client.get(path)  # sets the anonymous weft_csrf cookie
    response = client.post(path, data={**FIELDS, "username": "eve", "agreement": "1"})
    assert response.status_code == 403
    assert FORM_MESSAGE in response.text
    assert "weft_session" not in client.cookies


async def test_a_refused_upload_is_refused_and_its_files_closed(
    server: LiveServer, db: Database
) -> None:
    """An upload posted without the token: 403, and its spooled files are closed
    (an unclosed one is a ResourceWarning, an error here)."""
    await make_person(db, server.settings, "alice")
    upload = {"avatar": ("a.png", b"\x89PNG" + bytes(2_000_000), "image/png")}
    with server.client() as browser:
        assert sign_in_form(browser, "alice").status_code == 303
        for method, template in sorted(set(unsafe_routes())):
            path = fill(template, {"acct": "alice"})
            response = browser.request(method, path, data=FIELDS, files=upload)
            assert response.status_code == 403, f"{method} {path}"
    # Unclosed files warn when collected: collect now, so the warning lands on this test.
    gc.collect()


STRIP_TOKENS = "() => document.querySelectorAll('input[name=csrf_token]').forEach(i => i.remove())"


@sqlite_only
def test_in_the_browser_a_form_without_its_token_changes_nothing(
    new_context: NewContext, screenshots: Screenshots
) -> None:
    """The page's script (a like sent by fetch) and a plain form (the profile)."""
    page = new_context().new_page()
    sign_up(page, "ada")
    page.goto("/compose")
    page.get_by_label("Your post").fill("a post to like")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r"/@ada/\d+$"))

    like = page.get_by_role("button", name=re.compile(r"^Like"))
    page.evaluate(STRIP_TOKENS)
    with page.expect_response(re.compile(r"/favourite$")) as answer:
        like.click()
    assert answer.value.status == 403
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#live")).to_contain_text(FORM_MESSAGE)  # said aloud, not swallowed
    page.reload()
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like).to_have_accessible_name("Like (0)")

    page.goto("/settings/profile")
    page.get_by_label("Display name").fill("Changed")
    page.evaluate(STRIP_TOKENS)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text(FORM_MESSAGE)).to_be_visible()
    screenshots.take(page, "refused-form")
    page.goto("/settings/profile")
    expect(page.get_by_label("Display name")).to_have_value("")
