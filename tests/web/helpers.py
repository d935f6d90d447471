"""Steps the web tests share: read a page's forms, sign up and in through them.

Each goes through real HTTP as a browser would (cookies kept by the client)
and checks that the step worked, so a failure points at the step.
"""

from __future__ import annotations

from html.parser import HTMLParser

import httpx

PASSWORD = "correct horse battery"
FORM_MESSAGE = "The form expired or was not sent from this site; reload and try again."


class _Inputs(HTMLParser):
    """The name and value of every ``<input>`` (last one wins for a repeated name)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "input":
            return
        found = dict(attrs)
        name = found.get("name")
        if name:
            self.values[name] = found.get("value") or ""


def inputs(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def csrf_of(page: httpx.Response) -> str:
    token = inputs(page.text).get("csrf_token")
    assert token, f"no csrf_token on {page.url}"
    return token


def sign_up_form(client: httpx.Client, username: str, **changes: str) -> httpx.Response:
    """POST the sign-up form as a browser would after loading it."""
    page = client.get("/auth/sign_up")
    assert page.status_code == 200, page.text
    data = {
        "csrf_token": csrf_of(page),
        "username": username,
        "email": f"{username}@example.com",
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
        "agreement": "1",
        **changes,
    }
    return client.post("/auth/sign_up", data=data)


def sign_up(client: httpx.Client, username: str) -> None:
    response = sign_up_form(client, username)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"


def sign_in_form(
    client: httpx.Client, login: str, password: str = PASSWORD, next: str | None = None
) -> httpx.Response:
    page = client.get("/auth/sign_in", params={"next": next} if next is not None else None)
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_of(page), "login": login, "password": password}
    data["next"] = inputs(page.text)["next"]
    return client.post("/auth/sign_in", data=data)


def sign_out(client: httpx.Client) -> httpx.Response:
    home = client.get("/")
    return client.post("/auth/sign_out", data={"csrf_token": csrf_of(home)})


def signed_in_as(client: httpx.Client) -> str | None:
    """The @username the front page's nav shows, or None when it offers Sign in."""
    page = client.get("/")
    assert page.status_code == 200
    if 'action="/auth/sign_out"' in page.text:
        start = page.text.index('class="who">@') + len('class="who">@')
        return page.text[start : page.text.index("<", start)]
    assert 'href="/auth/sign_in"' in page.text
    return None
