"""With email confirmation on, API tokens of an unconfirmed person wait for the link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.api.helpers import (
    PASSWORD,
    app_token,
    bearer,
    register_app,
    request_token,
    sign_up_request,
)
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.actions.accounts import confirm_email
from weft.actions.sessions import UNCONFIRMED
from weft.config import Settings
from weft.db.database import Database
from weft.models.jobs import Job


@pytest.fixture
def confirming(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(settings.with_(require_email_confirmation=True)).start()
    try:
        yield server
    finally:
        server.stop()


async def test_unconfirmed_tokens_are_refused_until_the_link_is_followed(
    confirming: LiveServer, db: Database
) -> None:
    with confirming.client() as client:
        app = register_app(client)
        signed_up = sign_up_request(client, app_token(client, app), "carol")
        assert signed_up.status_code == 200
        token = assert_conforms(signed_up)["access_token"]

        me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
        assert me.status_code == 403
        assert assert_conforms(me) == {"error": UNCONFIRMED}
        grant = request_token(
            client, app, grant_type="password", username="carol", password=PASSWORD
        )
        assert grant.status_code == 400
        assert grant.json() == {"error": "invalid_grant", "error_description": UNCONFIRMED}

        # The confirmation mail is a queued job carrying the link.
        async with db.read() as session:
            job = (await session.scalars(select(Job).where(Job.kind == "mail.send"))).one()
        assert job.payload["to"] == "carol@example.com"
        link = next(w for w in job.payload["text"].split() if "/auth/confirmation?token=" in w)
        await confirm_email(db, link.split("token=")[1])

        me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
        assert me.status_code == 200
        assert assert_conforms(me)["username"] == "carol"
