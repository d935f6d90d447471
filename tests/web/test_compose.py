"""The composer over real HTTP: posting, replies, quotes, pickers, threads, CSRF."""

from __future__ import annotations

import httpx

from tests.live import LiveServer
from tests.web.compose_helpers import JSON, composer_token, post_id, rows, send
from tests.web.helpers import FORM_MESSAGE, sign_up


def test_the_composer_needs_someone_signed_in(client: httpx.Client) -> None:
    response = client.get("/compose")
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/sign_in?next=%2Fcompose"


def test_posting_with_the_plain_form(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    response = send(
        client,
        "Hello from the web",
        visibility="unlisted",
        reply_policy="followers",
        quote_policy="nobody",
        spoiler_text="greetings",
        language="en",
    )
    status_id = post_id(response, "alice")
    assert rows(
        server,
        "SELECT text, visibility, reply_policy, quote_policy, spoiler_text, sensitive, language"
        " FROM statuses WHERE id = :id",
        id=status_id,
    ) == [("Hello from the web", "unlisted", "followers", "nobody", "greetings", True, "en")]
