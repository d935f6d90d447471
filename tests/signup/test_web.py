"""The web side: the sign-up form in each mode (rules, reason, invite links),
/invites, the admin pages (/admin/settings/...) and the public about pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from tests.api.helpers import count, query
from tests.factories import Person
from tests.live import LiveServer
from tests.signup.conftest import act, set_mode
from tests.web.helpers import csrf_of, inputs, sign_in_form, sign_up_form
from weft.db.database import Database
from weft.models import Invite


@contextmanager
def signed_in(server: LiveServer, username: str) -> Iterator[httpx.Client]:
    with server.client() as http:
        assert sign_in_form(http, username).status_code == 303
        yield http


def post_form(http: httpx.Client, page: str, action: str, **data: str) -> httpx.Response:
    shown = http.get(page)
    assert shown.status_code == 200, shown.text
    return http.post(action, data={"csrf_token": csrf_of(shown), **data})


def test_sign_up_shows_the_rules_and_the_message(
    server: LiveServer, admin: Person, client: httpx.Client
) -> None:
    with signed_in(server, "ada") as http:
        made = post_form(
            http, "/admin/settings/rules", "/admin/settings/rules", text="Be kind", hint="Always."
        )
        assert made.status_code == 303
        assert made.headers["location"] == "/admin/settings/rules?done=added"
    set_mode(server, admin, "open", message="Welcome, knitters.")
    page = client.get("/auth/sign_up")
    assert page.status_code == 200
    assert '<h2 id="rules-title">Server rules</h2>' in page.text
    assert "<strong>Be kind</strong>" in page.text
    assert "Always." in page.text
    assert "<p>Welcome, knitters.</p>" in page.text
    assert 'name="reason"' not in page.text


def test_approval_mode_asks_why_and_queues(
    server: LiveServer, admin: Person, client: httpx.Client
) -> None:
    set_mode(server, admin, "approval")
    page = client.get("/auth/sign_up")
    assert 'name="reason"' in page.text
    assert "Ask to join" in page.text
    missing = sign_up_form(client, "dora")
    assert missing.status_code == 422
    assert "Your reason can&#39;t be blank" in missing.text
    assert count(server.settings.database_url, "users") == 1

    waiting = sign_up_form(client, "dora", reason="I knit socks.")
    assert waiting.status_code == 200
    assert "Your sign-up is waiting for approval" in waiting.text
    refused = sign_in_form(client, "dora")
    assert refused.status_code == 422
    assert "waiting for a moderator&#39;s approval" in refused.text

    with signed_in(server, "ada") as http:
        queue = http.get("/admin/settings/sign_ups")
        assert "@dora" in queue.text
        assert "I knit socks." in queue.text
        (dora_id,) = query(
            server.settings.database_url, "SELECT id FROM users WHERE email = 'dora@example.com'"
        )[0]
        approved = http.post(
            f"/admin/settings/sign_ups/{dora_id}/approve", data={"csrf_token": csrf_of(queue)}
        )
        assert approved.status_code == 303
        assert "No sign-ups are waiting." in http.get("/admin/settings/sign_ups").text
    assert sign_in_form(client, "dora").status_code == 303


def test_reject_from_the_queue(server: LiveServer, admin: Person, client: httpx.Client) -> None:
    set_mode(server, admin, "approval")
    assert sign_up_form(client, "eve", reason="hello").status_code == 200
    (eve_id,) = query(
        server.settings.database_url, "SELECT id FROM users WHERE email = 'eve@example.com'"
    )[0]
    with signed_in(server, "ada") as http:
        queue = http.get("/admin/settings/sign_ups")
        rejected = http.post(
            f"/admin/settings/sign_ups/{eve_id}/reject", data={"csrf_token": csrf_of(queue)}
        )
        assert rejected.status_code == 303
        again = http.post(
            f"/admin/settings/sign_ups/{eve_id}/reject", data={"csrf_token": csrf_of(queue)}
        )
        assert again.status_code == 404
    assert count(server.settings.database_url, "users") == 1


def test_admin_pages_are_for_admins(server: LiveServer, admin: Person, alice: Person) -> None:
    with signed_in(server, "alice") as http:
        for page in ("registrations", "rules", "texts", "sign_ups"):
            assert http.get(f"/admin/settings/{page}").status_code == 404
        home = http.get("/settings/profile")
        refused = http.post(
            "/admin/settings/registrations",
            data={"csrf_token": csrf_of(home), "mode": "closed"},
        )
        assert refused.status_code == 404
    with server.client() as anonymous:
        assert anonymous.get("/admin/settings/rules").status_code == 303


def test_admin_saves_the_mode_and_texts(
    server: LiveServer, admin: Person, client: httpx.Client
) -> None:
    with signed_in(server, "ada") as http:
        bad = post_form(
            http,
            "/admin/settings/registrations",
            "/admin/settings/registrations",
            mode="sometimes",
            invites_by="users",
            show_domain_blocks="users",
        )
        assert bad.status_code == 422
        assert "Mode must be one of open, approval, invite, closed" in bad.text
        saved = post_form(
            http,
            "/admin/settings/registrations",
            "/admin/settings/registrations",
            mode="invite",
            message="",
            invites_by="admins",
            show_domain_blocks="all",
        )
        assert saved.status_code == 303
        page = http.get("/admin/settings/registrations")
        assert 'id="mode-invite" name="mode" value="invite" checked' in page.text

        texts = post_form(
            http,
            "/admin/settings/texts",
            "/admin/settings/texts",
            extended_description="We knit.",
            privacy_policy="We keep little.",
            terms_of_service="Be nice.",
        )
        assert texts.status_code == 303
        too_long = post_form(
            http,
            "/admin/settings/texts",
            "/admin/settings/texts",
            extended_description="x" * 100_001,
        )
        assert too_long.status_code == 422
        assert "About this server is too long" in too_long.text
    registrations = client.get("/api/v2/instance").json()["registrations"]
    assert registrations["enabled"] is False
    closed_form = client.get("/auth/sign_up")
    assert "by invitation only" in closed_form.text
    assert "<p>We knit.</p>" in client.get("/about").text
    assert "<p>We keep little.</p>" in client.get("/privacy-policy").text
    assert "<p>Be nice.</p>" in client.get("/terms-of-service").text


def test_rule_edit_and_remove(server: LiveServer, admin: Person, client: httpx.Client) -> None:
    with signed_in(server, "ada") as http:
        post_form(http, "/admin/settings/rules", "/admin/settings/rules", text="No spam", hint="")
        (rule_id,) = query(server.settings.database_url, "SELECT id FROM server_rules")[0]
        blank = post_form(
            http, "/admin/settings/rules", f"/admin/settings/rules/{rule_id}", text=" ", hint=""
        )
        assert blank.status_code == 422
        assert "Rule can&#39;t be blank" in blank.text
        edited = post_form(
            http,
            "/admin/settings/rules",
            f"/admin/settings/rules/{rule_id}",
            text="No spam, ever",
            hint="Ads too.",
        )
        assert edited.status_code == 303
        assert client.get("/api/v1/instance/rules").json()[0]["text"] == "No spam, ever"
        removed = post_form(
            http, "/admin/settings/rules", f"/admin/settings/rules/{rule_id}/remove"
        )
        assert removed.status_code == 303
    assert client.get("/api/v1/instance/rules").json() == []


def invite_code(http: httpx.Client, **choices: str) -> str:
    made = post_form(http, "/invites", "/invites", **choices)
    assert made.status_code == 303, made.text
    found = re.search(r'value="http://[^"]+/invite/([\w-]+)"', http.get("/invites").text)
    assert found is not None
    return found.group(1)


def test_invite_link_signs_up_in_invite_only_mode(
    server: LiveServer, admin: Person, alice: Person, client: httpx.Client
) -> None:
    set_mode(server, admin, "invite")
    with signed_in(server, "alice") as http:
        page = http.get("/invites")
        assert "Make an invite link" in page.text
        code = invite_code(http, expires_in="1800", max_uses="1")
        assert "0 of 1 uses" in http.get("/invites").text
    assert "by invitation only" in client.get("/auth/sign_up").text
    landing = client.get(f"/invite/{code}")
    assert landing.status_code == 200
    assert "You were invited" in landing.text
    assert inputs(landing.text)["invite_code"] == code
    data = {
        "csrf_token": csrf_of(landing),
        "invite_code": code,
        "username": "fay",
        "email": "fay@example.com",
        "password": "correct horse battery",
        "password_confirmation": "correct horse battery",
        "agreement": "1",
    }
    made = client.post("/auth/sign_up", data=data)
    assert made.status_code == 303
    assert made.headers["location"] == "/"

    with server.client() as stranger:
        used = stranger.get(f"/invite/{code}")
        assert used.status_code == 410
        assert "This invite link has been used as many times as it allows." in used.text
        unknown = stranger.get("/invite/nothing-here")
        assert unknown.status_code == 404
        assert "This invite link is not valid." in unknown.text


def test_expired_and_revoked_invites(
    server: LiveServer, admin: Person, alice: Person, client: httpx.Client
) -> None:
    with signed_in(server, "alice") as http:
        code = invite_code(http, expires_in="never", max_uses="")
        assert "never expires" in http.get("/invites").text

        async def expire(db: Database) -> None:
            async with db.write() as session:
                past = datetime.now(UTC) - timedelta(seconds=1)
                await session.execute(
                    update(Invite).where(Invite.code == code).values(expires_at=past)
                )

        act(server.settings.database_url, expire)
        expired = client.get(f"/invite/{code}")
        assert expired.status_code == 410
        assert "This invite link has expired." in expired.text

        (invite_id,) = query(server.settings.database_url, "SELECT id FROM invites")[0]
        revoked = post_form(http, "/invites", f"/invites/{invite_id}/revoke")
        assert revoked.status_code == 303
        assert "You haven't made any invite links." in http.get("/invites").text
    assert client.get(f"/invite/{code}").status_code == 404


def test_bad_invite_choices_and_admin_only_invites(
    server: LiveServer, admin: Person, alice: Person
) -> None:
    with signed_in(server, "alice") as http:
        bad = post_form(http, "/invites", "/invites", expires_in="forever", max_uses="")
        assert bad.status_code == 422
        assert "Expires after must be one of the offered durations" in bad.text
        set_mode(server, admin, "open", invites_by="admins")
        page = http.get("/invites")
        assert "Only administrators make invite links on this server." in page.text
        refused = http.post(
            "/invites",
            data={"csrf_token": csrf_of(page), "expires_in": "1800", "max_uses": "1"},
        )
        assert refused.status_code == 422
        assert "Only administrators may make invite links on this server" in refused.text
    assert count(server.settings.database_url, "invites") == 0
