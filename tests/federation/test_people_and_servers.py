"""The fediverse switch, the Fediverse feed and server-wide domain blocks,
over real HTTP (and the CLI), on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.api.test_admin_jobs import _token
from tests.conftest import empty_database
from tests.factories import make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms, validate
from weft.actions import graph
from weft.cli import main
from weft.db.database import Database
from weft.db.ids import new_id
from weft.models import Account, Status
from weft.models.federation import DomainBlock


async def remote(db: Database, username: str, domain: str) -> Account:
    account = Account(
        id=new_id(),
        username=username,
        domain=domain,
        uri=f"https://{domain}/users/{username}",
        url=f"https://{domain}/@{username}",
        inbox_url=f"https://{domain}/users/{username}/inbox",
    )
    async with db.write() as session:
        session.add(account)
    return account


async def remote_post(db: Database, author: Account, text: str) -> int:
    status_id = new_id()
    async with db.write() as session:
        session.add(
            Status(
                id=status_id,
                account_id=author.id,
                uri=f"{author.uri}/statuses/{status_id}",
                text=text,
                content=f"<p>{text}</p>",
                visibility="public",
                conversation_id=status_id,
            )
        )
    return status_id


async def test_the_fediverse_switch_is_a_credential_setting(
    server: LiveServer, client: httpx.Client, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    me = client.get("/api/v1/accounts/verify_credentials", headers=alice.auth)
    assert_conforms(me)
    assert me.json()["weft"] == {
        "federated": True,
        "chat_policy": "everyone",
        "mention_policy": "everyone",
    }
    off = client.patch(
        "/api/v1/accounts/update_credentials", headers=alice.auth, data={"federated": "false"}
    )
    assert_conforms(off)
    assert off.json()["weft"] == {
        "federated": False,
        "chat_policy": "everyone",
        "mention_policy": "everyone",
    }
    # Off, the fediverse no longer finds her.
    assert (
        client.get("/users/alice", headers={"Accept": "application/activity+json"}).status_code
        == 404
    )
    bad = client.patch(
        "/api/v1/accounts/update_credentials", headers=alice.auth, data={"federated": "maybe"}
    )
    assert bad.status_code == 422
    assert "federated" in bad.text


async def test_the_fediverse_feed_shows_followed_remote_accounts_only(
    server: LiveServer, client: httpx.Client, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    bob = await make_person(db, server.settings, "bob")
    far = await remote(db, "far", "far.example")
    stranger = await remote(db, "stranger", "else.example")
    await graph.follow_account(db, alice.account_id, bob.account_id)
    await graph.follow_account(db, alice.account_id, far.id)
    await graph.authorize_follow_request(db, far.id, alice.account_id)  # their Accept
    first = await remote_post(db, far, "one")
    await remote_post(db, stranger, "not followed")
    second = await remote_post(db, far, "two")
    client.post("/api/v1/statuses", headers=alice.auth, data={"status": "local"})
    page = client.get("/api/weft/v1/timelines/fediverse", headers=alice.auth)
    assert page.status_code == 200
    assert [s["id"] for s in page.json()] == [str(second), str(first)]
    assert page.json()[0]["account"]["acct"] == "far@far.example"
    older = client.get("/api/weft/v1/timelines/fediverse", headers=alice.auth, params={"limit": 1})
    assert [s["id"] for s in older.json()] == [str(second)]
    assert f"max_id={second}" in older.headers["link"]
    rest = client.get(
        "/api/weft/v1/timelines/fediverse",
        headers=alice.auth,
        params={"max_id": str(second)},
    )
    assert [s["id"] for s in rest.json()] == [str(first)]
    assert client.get("/api/weft/v1/timelines/fediverse").status_code == 401


async def test_domain_blocks_over_the_admin_api(
    server: LiveServer, client: httpx.Client, db: Database
) -> None:
    token = await _token(db, server, "boss", "admin", "read write admin:read admin:write")
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/admin/domain_blocks",
        headers=auth,
        data={"domain": "Bad.Example", "severity": "silence", "public_comment": "spam"},
    )
    assert created.status_code == 200, created.text
    # The admin API is not in the OpenAPI document's paths, but its entity is.
    block = assert_conforms(created, "AdminDomainBlock")
    assert (block["domain"], block["severity"], block["public_comment"]) == (
        "bad.example",
        "silence",
        "spam",
    )
    again = client.post("/api/v1/admin/domain_blocks", headers=auth, data={"domain": "bad.example"})
    assert again.status_code == 422
    for bad in (
        {"domain": ""},
        {"domain": "not a domain"},
        {"domain": "x.example", "severity": "noop"},
    ):
        refused = client.post("/api/v1/admin/domain_blocks", headers=auth, data=bad)
        assert refused.status_code == 422, bad
    own = client.post(
        "/api/v1/admin/domain_blocks", headers=auth, data={"domain": server.settings.domain}
    )
    assert own.status_code == 422
    listed = client.get("/api/v1/admin/domain_blocks", headers=auth)
    assert [b["domain"] for b in listed.json()] == ["bad.example"]
    validate(listed.json()[0], {"$ref": "#/components/schemas/AdminDomainBlock"})
    changed = client.put(
        f"/api/v1/admin/domain_blocks/{block['id']}", headers=auth, data={"severity": "suspend"}
    )
    assert changed.json()["severity"] == "suspend"
    assert client.get(f"/api/v1/admin/domain_blocks/{block['id']}", headers=auth).status_code == 200
    removed = client.delete(f"/api/v1/admin/domain_blocks/{block['id']}", headers=auth)
    assert removed.status_code == 200
    assert client.get("/api/v1/admin/domain_blocks", headers=auth).json() == []
    assert (
        client.delete(f"/api/v1/admin/domain_blocks/{block['id']}", headers=auth).status_code == 404
    )


async def test_only_admins_with_admin_scopes_manage_domain_blocks(
    server: LiveServer, client: httpx.Client, db: Database
) -> None:
    person = await make_person(db, server.settings, "someone")
    assert client.get("/api/v1/admin/domain_blocks", headers=person.auth).status_code == 403
    token = await _token(db, server, "boss", "admin", "read write")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/admin/domain_blocks", headers=auth).status_code == 403
    narrow = await _token(db, server, "boss2", "admin", "admin:read:domain_blocks")
    assert (
        client.get(
            "/api/v1/admin/domain_blocks", headers={"Authorization": f"Bearer {narrow}"}
        ).status_code
        == 200
    )


async def test_blocked_servers_leave_the_public_timelines(
    server: LiveServer, client: httpx.Client, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    limited = await remote(db, "loud", "sub.limited.example")
    suspended = await remote(db, "bad", "suspended.example")
    fine = await remote(db, "fine", "fine.example")
    loud_post = await remote_post(db, limited, "loud")
    await remote_post(db, suspended, "bad")
    fine_post = await remote_post(db, fine, "fine")
    async with db.write() as session:
        session.add(DomainBlock(id=new_id(), domain="limited.example", severity="limit"))
        session.add(DomainBlock(id=new_id(), domain="suspended.example", severity="suspend"))

    def ids(path: str, headers: dict[str, str] | None = None) -> list[str]:
        return [s["id"] for s in client.get(path, headers=headers).json()]

    assert ids("/api/v1/timelines/public") == [str(fine_post)]
    assert ids("/api/v1/timelines/public", alice.auth) == [str(fine_post)]
    # A limited server's posts stay visible to its followers.
    await graph.follow_account(db, alice.account_id, limited.id)
    await graph.authorize_follow_request(db, limited.id, alice.account_id)
    assert ids("/api/v1/timelines/public", alice.auth) == [str(fine_post), str(loud_post)]
    assert ids("/api/v1/timelines/public") == [str(fine_post)]


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("WEFT_DATABASE_URL", database_url)
    monkeypatch.setenv("WEFT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WEFT_SECRET_KEY", "test")
    yield
    empty_database(database_url)


def test_domain_blocks_from_the_command_line(cli_env: None) -> None:
    runner = CliRunner()
    added = runner.invoke(
        main, ["domain-block", "add", "Spam.Example", "--severity", "limit", "--reject-media"]
    )
    assert added.exit_code == 0, added.output
    assert "Blocked spam.example (limit)" in added.output
    twice = runner.invoke(main, ["domain-block", "add", "spam.example"])
    assert twice.exit_code != 0
    assert "already blocked" in twice.output
    listed = runner.invoke(main, ["domain-block", "list"])
    assert "spam.example" in listed.output
    assert "reject media" in listed.output
    removed = runner.invoke(main, ["domain-block", "remove", "spam.example"])
    assert removed.exit_code == 0, removed.output
    missing = runner.invoke(main, ["domain-block", "remove", "spam.example"])
    assert missing.exit_code != 0
    assert "not blocked" in missing.output
    assert "No domain is blocked." in runner.invoke(main, ["domain-block", "list"]).output
