"""Reports across two real ``weft serve`` processes on loopback: a person on A
reports someone on B and forwards it; B's moderators find it in their queue
as a report from A's server (a ``Flag``). Then the other way back."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest
from mastodon import Mastodon

from tests.federation.test_two_servers import (
    PASSWORD,
    Pair,
    eventually,
    person,
    resolve,
    resolve_status,
)
from tests.live import ROOT, WeftProcess

pytestmark = [pytest.mark.acceptance, pytest.mark.two_server]
ADMIN_SCOPES = ["read", "write", "admin:read", "admin:write"]


def admin(process: WeftProcess, name: str) -> str:
    """An admin made with ``weft createuser --admin``, signed in for the admin API: a token."""
    command = [sys.executable, "-m", "weft.cli", "createuser", name]
    command += ["--email", f"{name}@example.com", "--admin", "--password", PASSWORD]
    subprocess.run(
        command,
        env=process.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    client_id, secret = Mastodon.create_app(
        "moderation", api_base_url=process.url, scopes=ADMIN_SCOPES
    )
    client = Mastodon(client_id=client_id, client_secret=secret, api_base_url=process.url)
    token: str = client.log_in(
        username=f"{name}@example.com", password=PASSWORD, scopes=ADMIN_SCOPES, allow_http=True
    )
    return token


def queue(process: WeftProcess, token: str) -> list[Any]:
    answer = httpx.get(
        f"{process.url}/api/v1/admin/reports", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    reports: list[Any] = answer.json()
    return reports


def test_a_forwarded_report_reaches_the_other_servers_queue(servers: Pair) -> None:
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    boss_a, boss_b = admin(servers.a, "boss_a"), admin(servers.b, "boss_b")

    post = bob.status_post("Buy followers, cheap")
    bob_on_a = resolve(alice, f"bob@{servers.b_domain}")
    post_on_a = resolve_status(alice, post.url)
    assert post_on_a is not None
    filed = alice.report(
        bob_on_a.id, status_ids=[post_on_a.id], comment="Spam", forward=True, category="spam"
    )
    assert filed.forwarded
    mine = queue(servers.a, boss_a)
    assert [r["target_account"]["account"]["acct"] for r in mine] == [f"bob@{servers.b_domain}"]
    assert [s["id"] for s in mine[0]["statuses"]] == [str(post_on_a.id)]

    arrived = eventually(lambda: queue(servers.b, boss_b), "the Flag in B's queue")
    assert len(arrived) == 1
    report = arrived[0]
    assert report["target_account"]["username"] == "bob"
    assert report["account"]["domain"] == servers.a_domain  # A's server, not Alice
    assert report["comment"] == "Spam"
    assert [s["uri"] for s in report["statuses"]] == [post.uri]

    # And back: Bob reports Alice, forwarded to A.
    alice_on_b = resolve(bob, f"alice@{servers.a_domain}")
    bob.report(alice_on_b.id, comment="Reporting back", forward=True)
    back = eventually(
        lambda: [r for r in queue(servers.a, boss_a) if r["comment"] == "Reporting back"],
        "B's Flag in A's queue",
    )
    assert back[0]["target_account"]["username"] == "alice"
    assert back[0]["account"]["domain"] == servers.b_domain
