"""The instance API and app sign-up follow the admin's rules, texts and
sign-up mode: /api/v1/instance/*, v1 and v2 instance, POST /api/v1/accounts."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from tests.api.helpers import app_token, bearer, count, query, register_app, sign_up_request
from tests.factories import Person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from tests.signup.conftest import act, set_mode, user_of
from weft.actions import registrations as actions
from weft.db.database import Database
from weft.models import Account, DomainBlock, FederatedServer, Invite

VERIFY = "/api/v1/accounts/verify_credentials"


def signup_token(client: httpx.Client) -> str:
    return app_token(client, register_app(client))


def add_rules(server: LiveServer, admin: Person, *rules: tuple[str, str]) -> None:
    async def work(db: Database) -> None:
        for text, hint in rules:
            await actions.add_rule(db, await user_of(db, admin), text, hint)

    act(server.settings.database_url, work)


def write_text(server: LiveServer, admin: Person, key: str, text: str) -> None:
    async def work(db: Database) -> None:
        await actions.set_site_text(db, await user_of(db, admin), key, text)

    act(server.settings.database_url, work)


def make_invite(
    server: LiveServer, person: Person, expires_in: int | None = None, max_uses: int | None = None
) -> Invite:
    async def work(db: Database) -> Invite:
        user = await user_of(db, person)
        return await actions.create_invite(
            db, server.settings, user, expires_in=expires_in, max_uses=max_uses
        )

    return act(server.settings.database_url, work)


# -- rules


def test_rules_are_listed_in_order_and_in_both_instances(
    client: httpx.Client, server: LiveServer, admin: Person
) -> None:
    assert assert_conforms(client.get("/api/v1/instance/rules")) == []
    add_rules(server, admin, ("Be kind", "No harassment."), ("No spam", ""))
    rules = assert_conforms(client.get("/api/v1/instance/rules"))
    assert [(r["text"], r["hint"]) for r in rules] == [
        ("Be kind", "No harassment."),
        ("No spam", ""),
    ]
    assert all(r["id"].isdigit() and r["translations"] == {} for r in rules)
    assert assert_conforms(client.get("/api/v2/instance"))["rules"] == rules
    assert assert_conforms(client.get("/api/v1/instance"))["rules"] == rules


def test_only_admins_edit_rules_and_bad_rules_are_refused(
    server: LiveServer, admin: Person, alice: Person
) -> None:
    async def as_alice(db: Database) -> None:
        await actions.add_rule(db, await user_of(db, alice), "Mine", "")

    with pytest.raises(actions.Forbidden):
        act(server.settings.database_url, as_alice)
    with pytest.raises(actions.Invalid, match="can't be blank"):
        add_rules(server, admin, ("  ", "hint"))
    with pytest.raises(actions.Invalid, match="too long"):
        add_rules(server, admin, ("x" * 301, ""))
    assert count(server.settings.database_url, "server_rules") == 0


# -- texts


def test_texts_default_then_as_the_admin_wrote_them(
    client: httpx.Client, server: LiveServer, admin: Person
) -> None:
    about = assert_conforms(client.get("/api/v1/instance/extended_description"))
    assert about["content"] == ""
    policy = assert_conforms(client.get("/api/v1/instance/privacy_policy"))
    assert policy["content"].startswith("<p>This server keeps")
    missing = client.get("/api/v1/instance/terms_of_service")
    assert missing.status_code == 404
    assert missing.json() == {"error": "This server has no terms of service"}

    write_text(server, admin, "extended_description", "Hello <friends>\n\nSecond line\nthird")
    write_text(server, admin, "terms_of_service", "Be nice.")
    about = assert_conforms(client.get("/api/v1/instance/extended_description"))
    assert about["content"] == "<p>Hello &lt;friends&gt;</p><p>Second line<br>third</p>"
    terms = assert_conforms(client.get("/api/v1/instance/terms_of_service"))
    today = datetime.now(UTC).date().isoformat()
    assert terms == {
        "effective_date": today,
        "effective": True,
        "content": "<p>Be nice.</p>",
        "succeeded_by": None,
    }
    assert client.get(f"/api/v1/instance/terms_of_service/{today}").json() == terms
    assert client.get("/api/v1/instance/terms_of_service/2001-01-01").status_code == 404
    assert client.get("/api/v1/instance/terms_of_service/yesterday").status_code == 404
    urls = client.get("/api/v2/instance").json()["configuration"]["urls"]
    assert urls["terms_of_service"] == f"{server.url}/terms-of-service"


# -- sign-up modes


def test_open_by_default(client: httpx.Client, server: LiveServer) -> None:
    registrations = assert_conforms(client.get("/api/v2/instance"))["registrations"]
    assert registrations == {
        "enabled": True,
        "approval_required": False,
        "reason_required": False,
        "message": None,
        "min_age": None,
        "url": f"{server.url}/auth/sign_up",
    }
    v1 = client.get("/api/v1/instance").json()
    assert (v1["registrations"], v1["approval_required"], v1["invites_enabled"]) == (
        True,
        False,
        True,
    )


def test_approval_mode_asks_a_reason_and_queues_the_account(
    client: httpx.Client, server: LiveServer, admin: Person
) -> None:
    set_mode(server, admin, "approval", message="Tell us who you are.")
    registrations = assert_conforms(client.get("/api/v2/instance"))["registrations"]
    assert registrations["enabled"] is True
    assert registrations["approval_required"] is True
    assert registrations["reason_required"] is True
    assert registrations["message"] == "<p>Tell us who you are.</p>"
    assert client.get("/api/v1/instance").json()["approval_required"] is True

    token = signup_token(client)
    no_reason = sign_up_request(client, token, "dora")
    assert no_reason.status_code == 422
    assert no_reason.json()["error"] == "Validation failed: reason can't be blank"
    assert no_reason.json()["details"]["reason"][0]["error"] == "ERR_BLANK"
    assert count(server.settings.database_url, "users") == 1  # the admin only

    made = sign_up_request(client, token, "dora", reason="I knit.")
    assert made.status_code == 200, made.text
    dora = assert_conforms(made)["access_token"]
    waiting = client.get(VERIFY, headers=bearer(dora))
    assert waiting.status_code == 403
    assert "waiting for a moderator's approval" in waiting.json()["error"]
    rows = query(
        server.settings.database_url,
        "SELECT id, approved, sign_up_reason FROM users WHERE email = 'dora@example.com'",
    )
    dora_id, approved, reason = rows[0]
    assert (bool(approved), reason) == (False, "I knit.")

    async def approve(db: Database) -> None:
        await actions.approve_sign_up(db, server.settings, await user_of(db, admin), dora_id)

    act(server.settings.database_url, approve)
    assert client.get(VERIFY, headers=bearer(dora)).status_code == 200
    mails = query(server.settings.database_url, "SELECT payload FROM jobs WHERE kind = 'mail.send'")
    assert any("is approved" in str(payload) for (payload,) in mails)
    # Approved once: nothing waits any more.
    with pytest.raises(actions.NotFound):
        act(server.settings.database_url, approve)


def test_rejecting_removes_the_account(
    client: httpx.Client, server: LiveServer, admin: Person, alice: Person
) -> None:
    set_mode(server, admin, "approval")
    made = sign_up_request(client, signup_token(client), "eve", reason="hi")
    assert made.status_code == 200
    (eve_id,) = query(
        server.settings.database_url, "SELECT id FROM users WHERE email = 'eve@example.com'"
    )[0]

    def reject_as(person: Person) -> None:
        async def work(db: Database) -> None:
            await actions.reject_sign_up(db, await user_of(db, person), eve_id)

        act(server.settings.database_url, work)

    with pytest.raises(actions.Forbidden):
        reject_as(alice)
    reject_as(admin)
    assert (
        query(server.settings.database_url, "SELECT count(*) FROM accounts WHERE username = 'eve'")[
            0
        ][0]
        == 0
    )
    # The name is free again.
    again = sign_up_request(client, signup_token(client), "eve", reason="again")
    assert again.status_code == 200


def test_invite_only_needs_a_usable_invite(
    client: httpx.Client, server: LiveServer, admin: Person, alice: Person
) -> None:
    set_mode(server, admin, "invite")
    registrations = client.get("/api/v2/instance").json()["registrations"]
    assert (registrations["enabled"], registrations["approval_required"]) == (False, False)
    assert client.get("/api/v1/instance").json()["invites_enabled"] is True
    token = signup_token(client)

    refused = sign_up_request(client, token, "fay")
    assert refused.status_code == 403
    assert refused.json() == {"error": actions.INVITE_ONLY}
    unknown = sign_up_request(client, token, "fay", invite_code="nope")
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "Validation failed: invite_code is not valid"

    once = make_invite(server, alice, max_uses=1)
    made = sign_up_request(client, token, "fay", invite_code=once.code)
    assert made.status_code == 200, made.text
    assert client.get(VERIFY, headers=bearer(made.json()["access_token"])).status_code == 200
    rows = query(server.settings.database_url, f"SELECT uses FROM invites WHERE id = {once.id}")
    assert rows == [(1,)]
    (invite_id,) = query(
        server.settings.database_url, "SELECT invite_id FROM users WHERE email = 'fay@example.com'"
    )[0]
    assert invite_id == once.id

    used_up = sign_up_request(client, token, "gus", invite_code=once.code)
    assert used_up.status_code == 422
    assert used_up.json()["error"] == (
        "Validation failed: invite_code has been used as many times as it allows"
    )

    later = make_invite(server, alice, expires_in=1800)

    async def expire(db: Database) -> None:
        async with db.write() as session:
            past = datetime.now(UTC) - timedelta(minutes=1)
            await session.execute(
                update(Invite).where(Invite.id == later.id).values(expires_at=past)
            )

    act(server.settings.database_url, expire)
    expired = sign_up_request(client, token, "gus", invite_code=later.code)
    assert expired.status_code == 422
    assert expired.json()["error"] == "Validation failed: invite_code has expired"
    assert (
        query(server.settings.database_url, "SELECT count(*) FROM accounts WHERE username = 'gus'")[
            0
        ][0]
        == 0
    )


def test_an_invite_skips_the_approval_queue(
    client: httpx.Client, server: LiveServer, admin: Person
) -> None:
    set_mode(server, admin, "approval")
    invite = make_invite(server, admin)
    made = sign_up_request(client, signup_token(client), "hal", invite_code=invite.code)
    assert made.status_code == 200, made.text
    assert client.get(VERIFY, headers=bearer(made.json()["access_token"])).status_code == 200


def test_closed_refuses_everyone_even_with_an_invite(
    client: httpx.Client, server: LiveServer, admin: Person
) -> None:
    invite = make_invite(server, admin)
    set_mode(server, admin, "closed")
    registrations = client.get("/api/v2/instance").json()["registrations"]
    assert (registrations["enabled"], registrations["url"]) == (False, None)
    assert client.get("/api/v1/instance").json()["invites_enabled"] is False
    refused = sign_up_request(client, signup_token(client), "ivy", invite_code=invite.code)
    assert refused.status_code == 403
    assert refused.json() == {"error": "Registrations are closed on this server"}
    with pytest.raises(actions.Forbidden, match="closed"):
        make_invite(server, admin)
    nodeinfo = client.get("/nodeinfo/2.0").json()
    assert nodeinfo["openRegistrations"] is False


def test_invite_rules(server: LiveServer, admin: Person, alice: Person) -> None:
    with pytest.raises(actions.Invalid, match="offered durations"):
        make_invite(server, alice, expires_in=99)
    with pytest.raises(actions.Invalid, match="between 1 and 1000"):
        make_invite(server, alice, max_uses=0)
    set_mode(server, admin, "open", invites_by="admins")
    with pytest.raises(actions.Forbidden, match="Only administrators"):
        make_invite(server, alice)
    assert make_invite(server, admin, expires_in=None, max_uses=5).max_uses == 5


def test_bad_mode_is_refused(server: LiveServer, admin: Person) -> None:
    with pytest.raises(actions.Invalid, match="must be one of"):
        set_mode(server, admin, "sometimes")


# -- domain blocks, peers, activity


def seed_domains(server: LiveServer) -> None:
    async def work(db: Database) -> None:
        async with db.write() as session:
            session.add_all(
                [
                    DomainBlock(domain="bad.example", severity="suspend", public_comment="Spam"),
                    DomainBlock(domain="loud.example", severity="silence"),
                    Account(
                        username="zed",
                        domain="friendly.example",
                        uri="https://friendly.example/u/zed",
                    ),
                    Account(
                        username="x", domain="sub.bad.example", uri="https://sub.bad.example/u/x"
                    ),
                    FederatedServer(domain="other.example"),
                ]
            )

    act(server.settings.database_url, work)


def test_domain_blocks_shown_as_the_admin_chose(
    client: httpx.Client, server: LiveServer, admin: Person
) -> None:
    seed_domains(server)
    anonymous = client.get("/api/v1/instance/domain_blocks")
    assert anonymous.status_code == 404
    blocks = assert_conforms(
        client.get("/api/v1/instance/domain_blocks", headers=bearer(admin.token))
    )
    assert blocks == [
        {
            "domain": "bad.example",
            "digest": hashlib.sha256(b"bad.example").hexdigest(),
            "severity": "suspend",
            "comment": "Spam",
        },
        {
            "domain": "loud.example",
            "digest": hashlib.sha256(b"loud.example").hexdigest(),
            "severity": "silence",
            "comment": None,
        },
    ]
    set_mode(server, admin, "open", show_domain_blocks="all")
    assert client.get("/api/v1/instance/domain_blocks").json() == blocks
    set_mode(server, admin, "open", show_domain_blocks="disabled")
    hidden = client.get("/api/v1/instance/domain_blocks", headers=bearer(admin.token))
    assert hidden.status_code == 404


def test_peers_are_known_domains_less_suspended_ones(
    client: httpx.Client, server: LiveServer
) -> None:
    seed_domains(server)
    peers = assert_conforms(client.get("/api/v1/instance/peers"))
    assert peers == ["friendly.example", "other.example"]


def test_activity_counts_twelve_weeks(
    client: httpx.Client, server: LiveServer, alice: Person
) -> None:
    posted = client.post("/api/v1/statuses", headers=bearer(alice.token), json={"status": "hi"})
    assert posted.status_code == 200
    weeks = assert_conforms(client.get("/api/v1/instance/activity"))
    assert len(weeks) == 12
    this_week = weeks[0]
    assert (this_week["statuses"], this_week["registrations"]) == ("1", "1")
    assert all(w["statuses"] == "0" for w in weeks[1:])
    starts = [int(w["week"]) for w in weeks]
    assert starts == sorted(starts, reverse=True)
    assert all(a - b == 7 * 86400 for a, b in itertools.pairwise(starts))
    assert starts[0] <= datetime.now(UTC).timestamp()
