"""Steps the two-factor tests share: set it up through Settings, sign in with a code."""

from __future__ import annotations

import re
import time

import httpx

from tests.web.helpers import csrf_of, inputs, sign_in_form
from weft.security import totp_code

SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7 ]+)</code>')
CODE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def post_form(client: httpx.Client, page: str, action: str, **data: str) -> httpx.Response:
    """POST ``action`` as the form on ``page`` would."""
    return client.post(action, data={"csrf_token": csrf_of(client.get(page)), **data})


def enrol(client: httpx.Client) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on for the signed-in person: their secret and backup codes."""
    started = post_form(client, "/settings/two_factor", "/settings/two_factor/start")
    assert started.status_code == 303, started.text
    page = client.get("/settings/two_factor")
    found = SECRET.search(page.text)
    assert found, page.text
    assert '<svg role="img" aria-labelledby="qr-caption"' in page.text
    secret = found.group(1).replace(" ", "")
    confirmed = post_form(
        client, "/settings/two_factor", "/settings/two_factor/confirm", code=code_now(secret)
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = CODE.findall(confirmed.text)
    assert len(codes) == 10
    assert "Two-factor sign-in is on. 10 of 10 backup codes left." in confirmed.text
    return secret, codes


def code_now(secret: str, steps_ahead: int = 0) -> str:
    return totp_code(secret, time.time() + 30 * steps_ahead)


def password_step(client: httpx.Client, login: str, next: str | None = None) -> httpx.Response:
    """The password, right: the page that asks for the code."""
    page = sign_in_form(client, login, next=next)
    assert page.status_code == 200, page.text
    assert 'action="/auth/two_factor"' in page.text
    return page


def code_step(client: httpx.Client, page: httpx.Response, code: str) -> httpx.Response:
    fields = inputs(page.text)
    data = {key: fields[key] for key in ("csrf_token", "challenge", "next")}
    return client.post("/auth/two_factor", data={**data, "code": code})
