"""A report reaches the queue, a moderator suspends the account, the audit log
shows it, the suspended person's token gets 403 and their posts are gone from
every door; an appeal reverses it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Person

ADMIN = "/api/v1/admin"


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert words in response.json()["error"], response.text


def post(client: httpx.Client, who: Person, text: str) -> str:
    return str(ok(client.post("/api/v1/statuses", data={"status": text}, headers=who.auth))["id"])


def report(client: httpx.Client, who: Person, target: Person, **extra: Any) -> httpx.Response:
    return client.post(
        "/api/v1/reports", json={"account_id": str(target.account_id), **extra}, headers=who.auth
    )


def public_ids(client: httpx.Client, who: Person) -> set[str]:
    return {s["id"] for s in ok(client.get("/api/v1/timelines/public", headers=who.auth))}


async def test_report_suspend_log_appeal(
    client: httpx.Client, alice: Person, bob: Person, carol: Person, mod: Person, boss: Person
) -> None:
    ok(client.post(f"/api/v1/accounts/{bob.account_id}/follow", headers=carol.auth))
    spam = post(client, bob, "buy cheap watches")
    filed = ok(report(client, alice, bob, status_ids=[spam], comment="spam", category="spam"))
    assert filed["category"] == "spam"
    assert filed["status_ids"] == [spam]
    assert filed["target_account"]["id"] == str(bob.account_id)
    assert not filed["action_taken"]

    queue = ok(client.get(f"{ADMIN}/reports", headers=mod.auth))
    assert [r["id"] for r in queue] == [filed["id"]]
    entry = queue[0]
    assert [s["id"] for s in entry["statuses"]] == [spam]
    assert entry["account"]["username"] == "alice"
    assert entry["target_account"]["username"] == "bob"
    one = ok(client.get(f"{ADMIN}/reports/{filed['id']}", headers=mod.auth))
    assert [s["id"] for s in one["statuses"]] == [spam]
    assert "cheap watches" in one["statuses"][0]["content"]

    taken = ok(client.post(f"{ADMIN}/reports/{filed['id']}/assign_to_self", headers=mod.auth))
    assert taken["assigned_account"]["username"] == "moderator_meg"
    acted = client.post(
        f"{ADMIN}/accounts/{bob.account_id}/action",
        json={"type": "suspend", "report_id": filed["id"], "text": "Spam is not welcome"},
        headers=mod.auth,
    )
    assert ok(acted) == {}
    assert ok(client.get(f"{ADMIN}/reports", headers=mod.auth)) == []
    done = ok(client.get(f"{ADMIN}/reports?resolved=true", headers=mod.auth))
    assert done[0]["action_taken"]
    assert done[0]["action_taken_by_account"]["username"] == "moderator_meg"
    shown = ok(client.get(f"{ADMIN}/accounts/{bob.account_id}", headers=mod.auth))
    assert shown["suspended"]
    assert shown["email"] == "bob@example.com"

    log = ok(client.get("/api/weft/v1/admin/audit_log", headers=boss.auth))
    assert [(e["username"], e["action"]) for e in log[:2]] == [
        ("moderator_meg", "suspend"),
        ("moderator_meg", "assign_to_self"),
    ]
    assert "@bob" in log[0]["summary"]
    refused(client.get("/api/weft/v1/admin/audit_log", headers=mod.auth), 403, "administrators")

    # Cut off on every door.
    refused(client.get("/api/v1/accounts/verify_credentials", headers=bob.auth), 403, "disabled")
    refused(client.post("/api/v1/statuses", data={"status": "x"}, headers=bob.auth), 403, "")
    for viewer in (alice, carol):
        assert client.get(f"/api/v1/statuses/{spam}", headers=viewer.auth).status_code == 404
        assert spam not in public_ids(client, viewer)
    assert client.get(f"/api/v1/statuses/{spam}").status_code == 404
    assert client.get(f"/api/v1/accounts/{bob.account_id}", headers=alice.auth).status_code == 404
    gone = client.get(f"/api/v1/accounts/{bob.account_id}/statuses", headers=carol.auth)
    assert gone.status_code == 404 or gone.json() == []

    # The person reads the warning and appeals it, once.
    warnings = ok(client.get("/api/weft/v1/warnings", headers=bob.auth))
    assert [(w["action"], w["text"]) for w in warnings] == [("suspend", "Spam is not welcome")]
    appeal_url = f"/api/weft/v1/warnings/{warnings[0]['id']}/appeal"
    refused(client.post(appeal_url, json={"text": " "}, headers=bob.auth), 422, "text")
    appealed = ok(client.post(appeal_url, json={"text": "It was a joke"}, headers=bob.auth))
    assert appealed["appeal"]["state"] == "pending"
    refused(client.post(appeal_url, json={"text": "again"}, headers=bob.auth), 409, "already")

    appeals = ok(client.get("/api/weft/v1/admin/appeals", headers=mod.auth))
    assert [a["appeal"]["text"] for a in appeals] == ["It was a joke"]
    approve = f"/api/weft/v1/admin/appeals/{appeals[0]['appeal']['id']}/approve"
    assert ok(client.post(approve, headers=mod.auth)) == {}
    refused(client.post(approve, headers=mod.auth), 409, "handled already")

    assert ok(client.get("/api/v1/accounts/verify_credentials", headers=bob.auth))["id"] == str(
        bob.account_id
    )
    assert ok(client.get(f"/api/v1/statuses/{spam}", headers=alice.auth))["id"] == spam
    assert spam in public_ids(client, alice)
    actions = [
        e["action"] for e in ok(client.get("/api/weft/v1/admin/audit_log", headers=boss.auth))
    ]
    assert actions[0] == "approve_appeal"
    assert ok(client.get("/api/weft/v1/warnings", headers=bob.auth))[0]["overruled"]


async def test_silence_hides_from_strangers_only(
    client: httpx.Client, alice: Person, bob: Person, carol: Person, mod: Person
) -> None:
    ok(client.post(f"/api/v1/accounts/{bob.account_id}/follow", headers=carol.auth))
    loud = post(client, bob, "everyone listen")
    ok(
        client.post(
            f"{ADMIN}/accounts/{bob.account_id}/action", json={"type": "silence"}, headers=mod.auth
        )
    )
    assert loud not in public_ids(client, alice)
    assert loud not in {s["id"] for s in ok(client.get("/api/v1/timelines/public"))}
    assert loud in public_ids(client, carol)
    assert loud in public_ids(client, bob)
    assert ok(client.get(f"/api/v1/statuses/{loud}", headers=alice.auth))["id"] == loud
    lifted = ok(client.post(f"{ADMIN}/accounts/{bob.account_id}/unsilence", headers=mod.auth))
    assert not lifted["silenced"]
    assert loud in public_ids(client, alice)


async def test_posts_deleted_or_marked_by_a_moderator(
    client: httpx.Client, alice: Person, bob: Person, mod: Person
) -> None:
    first, second = post(client, bob, "one"), post(client, bob, "two")
    filed = ok(report(client, alice, bob, status_ids=[first, second]))
    base = "/api/weft/v1/admin/statuses"
    ok(client.post(f"{base}/{first}/sensitive", json={"report_id": filed["id"]}, headers=mod.auth))
    assert ok(client.get(f"/api/v1/statuses/{first}", headers=alice.auth))["sensitive"]
    ok(client.post(f"{base}/{second}/delete", json={"text": "no"}, headers=mod.auth))
    assert client.get(f"/api/v1/statuses/{second}", headers=alice.auth).status_code == 404
    kinds = [w["action"] for w in ok(client.get("/api/weft/v1/warnings", headers=bob.auth))]
    assert kinds == ["delete_statuses", "mark_statuses_as_sensitive"]
    assert client.post(f"{base}/{second}/delete", headers=mod.auth).status_code == 404


async def test_only_staff_and_bad_input(
    client: httpx.Client, alice: Person, bob: Person, mod: Person
) -> None:
    refused(client.get(f"{ADMIN}/reports", headers=alice.auth), 403, "")
    refused(client.get(f"{ADMIN}/accounts", headers=alice.auth), 403, "")
    hers = post(client, alice, "mine")
    refused(report(client, alice, bob, category="bad"), 422, "category")
    refused(report(client, alice, bob, status_ids=[hers]), 422, "status_ids")
    refused(report(client, alice, bob, rule_ids=["1"]), 422, "rule_ids")
    refused(report(client, alice, bob, comment="x" * 1001), 422, "comment")
    refused(report(client, alice, alice), 422, "account_id")
    refused(client.post("/api/v1/reports", json={}, headers=alice.auth), 422, "account_id")
    refused(report(client, alice, bob, account_id="nope"), 422, "account_id")
    assert report(client, alice, bob, account_id="123456").status_code == 404
    action = f"{ADMIN}/accounts/{bob.account_id}/action"
    refused(client.post(action, json={"type": "nuke"}, headers=mod.auth), 422, "type")
    refused(client.post(action, json={"report_id": "x"}, headers=mod.auth), 422, "report_id")
    refused(
        client.post(f"{ADMIN}/accounts/{mod.account_id}/action", json={}, headers=mod.auth),
        403,
        "own",
    )
    assert client.post(f"{ADMIN}/reports/123/resolve", headers=mod.auth).status_code == 404
    listed = ok(client.get(f"{ADMIN}/accounts?local=true&username=bo", headers=mod.auth))
    assert [a["username"] for a in listed] == ["bob"]
    refused(client.get(f"{ADMIN}/accounts?limit=0", headers=mod.auth), 422, "limit")
    # A warning (type none) changes nothing but is shown to the person.
    ok(client.post(action, json={"type": "none", "text": "Be kind"}, headers=mod.auth))
    assert ok(client.get("/api/v1/accounts/verify_credentials", headers=bob.auth))
    assert ok(client.get("/api/weft/v1/warnings", headers=bob.auth))[0]["text"] == "Be kind"


async def test_the_admin_api_approves_and_rejects_waiting_sign_ups(
    client: httpx.Client, db: Any, alice: Person, bob: Person, carol: Person, mod: Person
) -> None:
    from sqlalchemy import update

    from weft.models import User

    async with db.write() as session:  # both wait in the approval queue
        await session.execute(
            update(User).where(User.id.in_([alice.user_id, bob.user_id])).values(approved=False)
        )
    assert client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).status_code == 403
    refused(
        client.post(f"{ADMIN}/accounts/{alice.account_id}/approve", headers=carol.auth),
        403,
        "scopes",
    )
    approved = ok(client.post(f"{ADMIN}/accounts/{alice.account_id}/approve", headers=mod.auth))
    assert approved["approved"] is True
    assert client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).status_code == 200
    # Approved once: nothing waits any more.
    again = client.post(f"{ADMIN}/accounts/{alice.account_id}/approve", headers=mod.auth)
    assert again.status_code == 404
    rejected = ok(client.post(f"{ADMIN}/accounts/{bob.account_id}/reject", headers=mod.auth))
    assert rejected["username"] == "bob"
    assert client.get(f"/api/v1/accounts/{bob.account_id}").status_code == 404
