"""Email confirmation through the real mail job, and the sign-up rate limit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from email.policy import default
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.live import LiveServer, free_port
from tests.web.helpers import sign_in_form, sign_up_form, signed_in_as
from weft.config import Settings
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import WebSession


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _link(message: Message) -> str:
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = re.search(r"https?://\S+/auth/confirmation\?token=\S+", body.decode())
    assert found, body
    return found.group(0)


async def test_sign_in_waits_for_the_emailed_link(
    settings: Settings, db: Database, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    server = LiveServer(
        settings.with_(
            require_email_confirmation=True,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_from="Weft <notifications@weft.test>",
        )
    ).start()
    try:
        with server.client() as browser:
            response = sign_up_form(browser, "alice")
            assert response.status_code == 200
            assert '<h1 id="check-title">Check your email</h1>' in response.text
            assert "alice@example.com" in response.text
            assert "weft_session" not in response.headers.get("set-cookie", "")
            assert signed_in_as(browser) is None

            response = sign_in_form(browser, "alice")
            assert response.status_code == 422
            assert "Confirm your email address first" in response.text
            assert signed_in_as(browser) is None

            assert await Worker(db, server.settings).run_until_idle() == 1
            assert len(inbox.messages) == 1
            assert inbox.messages[0]["To"] == "alice@example.com"
            link = _link(inbox.messages[0])
            assert link.startswith(server.url + "/auth/confirmation?token=")

            confirmed = browser.get(link.removeprefix(server.url))
            assert confirmed.status_code == 200
            assert "Your email is confirmed" in confirmed.text

            used = browser.get(link.removeprefix(server.url))
            assert used.status_code == 404
            assert "This confirmation link is invalid or was already used" in used.text

            response = sign_in_form(browser, "alice")
            assert response.status_code == 303
            assert signed_in_as(browser) == "alice"
        async with db.read() as session:
            assert await session.scalar(select(func.count()).select_from(WebSession)) == 1
    finally:
        server.stop()


@pytest.mark.parametrize("token", ["nonsense", ""])
def test_a_bad_confirmation_token_is_a_404(client: httpx.Client, token: str) -> None:
    response = client.get("/auth/confirmation", params={"token": token})
    assert response.status_code == 404
    assert "This confirmation link is invalid or was already used" in response.text


async def test_the_sixth_sign_up_from_one_address_is_refused(
    settings: Settings, db: Database
) -> None:
    # ``db`` is here to empty the database afterwards.
    server = LiveServer(settings.with_(rate_limits=True)).start()
    try:
        with server.client() as browser:
            # Failed attempts count too: the limit is on trying, not on succeeding.
            for attempt in range(4):
                assert sign_up_form(browser, "admin").status_code == 422, attempt
            assert sign_up_form(browser, "alice").status_code == 303
        with server.client() as other_browser:
            response = sign_up_form(other_browser, "bob")
            assert response.status_code == 429
            assert '<h1 id="error-title">Slow down</h1>' in response.text
            assert response.headers["X-RateLimit-Limit"] == "5"
            assert response.headers["X-RateLimit-Remaining"] == "0"
            assert int(response.headers["Retry-After"]) >= 1
            assert sign_in_form(other_browser, "bob").status_code == 422
    finally:
        server.stop()
