"""Managing replies over real HTTP: reply notifications, approvals, hidden
replies, Threads' reply_control, archive, and Mastodon 4.5's quotes list and
interaction policy; with their bad inputs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.test_statuses import assert_error, assert_invalid, post
from tests.factories import Person, make_person
from tests.live import LiveServer
from weft.actions.graph import block_account, mute_account
from weft.db.database import Database
from weft.jobs.worker import Worker

WEFT = "/api/weft/v1/statuses"


def _reply(client: httpx.Client, person: Person, parent: str, text: str = "Re") -> dict[str, Any]:
    return post(client, person, status=text, in_reply_to_id=parent)


def _error(response: httpx.Response, status: int, message: str) -> None:
    """Weft's own endpoints are not in Mastodon's document: the same checks, by hand."""
    assert response.status_code == status, response.text
    assert response.json() == {"error": message}


def _invalid(response: httpx.Response, field: str, message: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == f"Validation failed: {field} {message}"
    assert field in body["details"]


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()]


def _descendants(client: httpx.Client, person: Person | None, status_id: str) -> list[str]:
    headers = person.auth if person else {}
    response = client.get(f"/api/v1/statuses/{status_id}/context", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["descendants"]]


def _notified(client: httpx.Client, person: Person, kind: str) -> list[str]:
    response = client.get("/api/v1/notifications", headers=person.auth)
    assert response.status_code == 200, response.text
    return [n["status"]["id"] for n in response.json() if n["type"] == kind and n.get("status")]


@pytest.fixture
async def dave(db: Database, server: LiveServer) -> Person:
    return await make_person(db, server.settings, "dave")


# --- 1. reply notifications -----------------------------------------------------------


async def test_every_reply_notifies_the_author_once(
    client: httpx.Client, alice: Person, bob: Person, dave: Person, db: Database
) -> None:
    root = post(client, alice, status="Thoughts?")
    unnamed = _reply(client, bob, root["id"], "I agree")
    named = _reply(client, bob, root["id"], f"@{alice.username} indeed")
    own = _reply(client, alice, root["id"], "Thanks all")
    await block_account(db, alice.account_id, dave.account_id)
    blocked = client.post(
        "/api/v1/statuses", headers=dave.auth, data={"status": "x", "in_reply_to_id": root["id"]}
    )
    assert blocked.status_code == 404
    assert _notified(client, alice, "mention") == [named["id"], unnamed["id"]]
    assert own["id"] not in _notified(client, alice, "mention")


async def test_a_muted_replier_does_not_notify(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    await mute_account(db, alice.account_id, bob.account_id)
    root = post(client, alice, status="Quiet please")
    _reply(client, bob, root["id"])
    assert _notified(client, alice, "mention") == []


# --- 9. reply_control -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "policy"),
    [
        ("everyone", "everyone"),
        ("accounts_you_follow", "following"),
        ("mentioned_only", "mentioned"),
        ("parent_post_author_only", "author"),
        ("followers_only", "followers"),
    ],
)
async def test_threads_reply_control_names(
    client: httpx.Client, alice: Person, control: str, policy: str
) -> None:
    by_control = post(client, alice, status="A", reply_control=control)
    assert (by_control["reply_policy"], by_control["reply_control"]) == (policy, control)
    by_policy = post(client, alice, status="B", reply_policy=control)
    assert by_policy["reply_policy"] == policy


async def test_reply_control_is_obeyed(client: httpx.Client, alice: Person, bob: Person) -> None:
    root = post(client, alice, status="Only me", reply_control="parent_post_author_only")
    response = client.post(
        "/api/v1/statuses", headers=bob.auth, data={"status": "Re", "in_reply_to_id": root["id"]}
    )
    assert_invalid(response, "in_reply_to_id", "cannot be replied to by you")


async def test_bad_reply_controls(client: httpx.Client, alice: Person) -> None:
    def posting(**data: str) -> httpx.Response:
        return client.post("/api/v1/statuses", headers=alice.auth, data={"status": "x", **data})

    names = "everyone, following, mentioned, followers, author, " + (
        "everyone, accounts_you_follow, mentioned_only, parent_post_author_only, followers_only"
    )
    assert_invalid(posting(reply_control="friends"), "reply_control", f"must be one of: {names}")
    assert_invalid(posting(reply_policy="friends"), "reply_policy", f"must be one of: {names}")
    assert_invalid(
        posting(reply_policy="everyone", reply_control="mentioned_only"),
        "reply_control",
        "says otherwise than reply_policy: send one of them",
    )
    response = posting(enable_reply_approvals="maybe")
    assert response.status_code == 422, response.text
    assert "enable_reply_approvals" in response.json()["error"]
    agreeing = posting(reply_policy="mentioned", reply_control="mentioned_only")
    assert agreeing.status_code == 200, agreeing.text


# --- 8. reply approvals -----------------------------------------------------------------


async def test_replies_wait_for_approval(
    client: httpx.Client, alice: Person, bob: Person, dave: Person
) -> None:
    root = post(client, alice, status="Approve me", enable_reply_approvals="true")
    assert root["enable_reply_approvals"] is True
    waiting = _reply(client, bob, root["id"], "Let me in")
    assert waiting["reply_approval_status"] == "pending"
    own = _reply(client, alice, root["id"], "My own reply needs no approval")
    assert own["reply_approval_status"] is None
    # Seen by its author and the post's author only; not counted, not in the thread.
    assert client.get(f"/api/v1/statuses/{waiting['id']}", headers=alice.auth).status_code == 200
    for outsider in (dave.auth, {}):
        response = client.get(f"/api/v1/statuses/{waiting['id']}", headers=outsider)
        assert response.status_code == 404
    assert _descendants(client, dave, root["id"]) == [own["id"]]
    assert _descendants(client, alice, root["id"]) == [own["id"]]
    assert _descendants(client, bob, root["id"]) == [waiting["id"], own["id"]]
    shown = client.get(f"/api/v1/statuses/{root['id']}", headers=dave.auth).json()
    assert shown["replies_count"] == 1
    # Alice hears of it, lists it, approves it; Bob hears of that.
    assert waiting["id"] in _notified(client, alice, "mention")
    listed = client.get(f"{WEFT}/{root['id']}/pending_replies", headers=alice.auth)
    assert _ids(listed) == [waiting["id"]]
    approved = client.post(
        f"{WEFT}/{root['id']}/pending_replies/{waiting['id']}/approve", headers=alice.auth
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["reply_approval_status"] is None
    assert _notified(client, bob, "reply_approved") == [waiting["id"]]
    assert set(_descendants(client, dave, root["id"])) == {own["id"], waiting["id"]}
    shown = client.get(f"/api/v1/statuses/{root['id']}", headers=dave.auth).json()
    assert shown["replies_count"] == 2
    assert _ids(client.get(f"{WEFT}/{root['id']}/pending_replies", headers=alice.auth)) == []


async def test_ignored_replies_can_be_approved_later(
    client: httpx.Client, alice: Person, bob: Person, dave: Person
) -> None:
    root = post(client, alice, status="Approve me", enable_reply_approvals="1")
    first = _reply(client, bob, root["id"], "one")
    second = _reply(client, dave, root["id"], "two")
    third = _reply(client, dave, root["id"], "three")
    ignored = client.post(
        f"{WEFT}/{root['id']}/pending_replies/{first['id']}/ignore", headers=alice.auth
    )
    assert ignored.json()["reply_approval_status"] == "ignored"
    pending = f"{WEFT}/{root['id']}/pending_replies"
    assert _ids(client.get(pending, headers=alice.auth)) == [third["id"], second["id"]]
    assert _ids(client.get(f"{pending}?approval_status=ignored", headers=alice.auth)) == [
        first["id"]
    ]
    assert client.get(f"/api/v1/statuses/{first['id']}", headers=dave.auth).status_code == 404
    everyone = client.post(f"{pending}/approve_all", headers=alice.auth)
    assert [s["id"] for s in everyone.json()] == [second["id"], third["id"]]
    assert _ids(client.get(f"{pending}?approval_status=ignored", headers=alice.auth)) == [
        first["id"]
    ]
    later = client.post(f"{pending}/{first['id']}/approve", headers=alice.auth)
    assert later.status_code == 200, later.text
    assert client.get(f"/api/v1/statuses/{first['id']}", headers=dave.auth).status_code == 200


async def test_a_deleted_pending_reply_was_never_counted(
    client: httpx.Client, alice: Person, bob: Person, dave: Person
) -> None:
    root = post(client, alice, status="Approve me", enable_reply_approvals="true")
    _reply(client, dave, root["id"], "counted")
    approved = _reply(client, dave, root["id"], "approved")
    url = f"{WEFT}/{root['id']}/pending_replies"
    client.post(f"{url}/approve_all", headers=alice.auth)
    waiting = _reply(client, bob, root["id"], "never approved")
    assert client.delete(f"/api/v1/statuses/{waiting['id']}", headers=bob.auth).status_code == 200
    assert client.get(f"/api/v1/statuses/{root['id']}").json()["replies_count"] == 2
    client.delete(f"/api/v1/statuses/{approved['id']}", headers=dave.auth)
    assert client.get(f"/api/v1/statuses/{root['id']}").json()["replies_count"] == 1


async def test_approvals_bad_inputs(
    client: httpx.Client, alice: Person, bob: Person, dave: Person
) -> None:
    root = post(client, alice, status="Approve me", enable_reply_approvals="true")
    plain = post(client, alice, status="No approvals")
    waiting = _reply(client, bob, root["id"])
    pending = f"{WEFT}/{root['id']}/pending_replies"
    # Only the post's author: others (the replier too) are told it is not there.
    for person in (bob, dave):
        _error(client.get(pending, headers=person.auth), 404, "Record not found")
        response = client.post(f"{pending}/{waiting['id']}/approve", headers=person.auth)
        _error(response, 404, "Record not found")
    assert client.get(pending).status_code == 401
    _invalid(
        client.get(f"{pending}?approval_status=approved", headers=alice.auth),
        "approval_status",
        "must be one of: pending, ignored",
    )
    missing = "There is no reply waiting for approval with this id."
    wrong_post = f"{WEFT}/{plain['id']}/pending_replies/{waiting['id']}/approve"
    _error(client.post(wrong_post, headers=alice.auth), 404, missing)
    not_an_id = client.post(f"{pending}/abc/approve", headers=alice.auth)
    assert not_an_id.status_code == 404
    approved = f"{pending}/{waiting['id']}/approve"
    assert client.post(approved, headers=alice.auth).status_code == 200
    _error(client.post(approved, headers=alice.auth), 404, missing)


# --- 9. hidden replies ------------------------------------------------------------------


async def test_hiding_a_reply_hides_its_subtree(
    client: httpx.Client, alice: Person, bob: Person, dave: Person
) -> None:
    root = post(client, alice, status="My thread")
    rude = _reply(client, bob, root["id"], "rude")
    under = _reply(client, dave, rude["id"], "agreeing with rude")
    kind = _reply(client, dave, root["id"], "kind")
    hidden = client.post(f"{WEFT}/{rude['id']}/hide", headers=alice.auth)
    assert hidden.status_code == 200, hidden.text
    # Gone from the conversation, and from everywhere, for all but their authors.
    assert _descendants(client, None, root["id"]) == [kind["id"]]
    assert _descendants(client, alice, root["id"]) == [kind["id"]]
    assert _descendants(client, bob, root["id"]) == [rude["id"], kind["id"]]
    # Dave's reply under the hidden one is his (by link, on his profile), but a
    # conversation never shows a reply under one the reader cannot see.
    assert _descendants(client, dave, root["id"]) == [kind["id"]]
    assert client.get(f"/api/v1/statuses/{under['id']}", headers=dave.auth).status_code == 200
    assert client.get(f"/api/v1/statuses/{rude['id']}", headers=dave.auth).status_code == 404
    assert client.get(f"/api/v1/statuses/{under['id']}").status_code == 404
    # A reply written under a hidden one is hidden too.
    later = _reply(client, dave, under["id"], "still arguing")
    assert client.get(f"/api/v1/statuses/{later['id']}").status_code == 404
    listed = client.get(f"{WEFT}/{root['id']}/hidden_replies", headers=alice.auth)
    assert _ids(listed) == [rude["id"]]
    shown = client.post(f"{WEFT}/{rude['id']}/unhide", headers=alice.auth)
    assert shown.status_code == 200, shown.text
    assert _descendants(client, None, root["id"]) == [
        rude["id"],
        under["id"],
        later["id"],
        kind["id"],
    ]
    assert _ids(client.get(f"{WEFT}/{root['id']}/hidden_replies", headers=alice.auth)) == []


async def test_a_reply_hidden_inside_a_hidden_one_stays_hidden(
    client: httpx.Client, alice: Person, bob: Person, dave: Person
) -> None:
    root = post(client, alice, status="My thread")
    outer = _reply(client, bob, root["id"], "outer")
    inner = _reply(client, dave, outer["id"], "inner")
    for reply in (inner, outer):
        assert client.post(f"{WEFT}/{reply['id']}/hide", headers=alice.auth).status_code == 200
    assert client.post(f"{WEFT}/{outer['id']}/unhide", headers=alice.auth).status_code == 200
    assert _descendants(client, None, root["id"]) == [outer["id"]]


async def test_hiding_bad_inputs(
    client: httpx.Client, alice: Person, bob: Person, dave: Person
) -> None:
    root = post(client, alice, status="My thread")
    reply = _reply(client, bob, root["id"])
    own = _reply(client, alice, root["id"])
    # Only the conversation's author, only replies, not their own.
    _error(client.post(f"{WEFT}/{reply['id']}/hide", headers=dave.auth), 404, "Record not found")
    _error(client.post(f"{WEFT}/{reply['id']}/hide", headers=bob.auth), 404, "Record not found")
    _error(client.post(f"{WEFT}/{root['id']}/hide", headers=alice.auth), 404, "Record not found")
    _invalid(
        client.post(f"{WEFT}/{own['id']}/hide", headers=alice.auth),
        "id",
        "is your own reply: delete or archive it instead",
    )
    assert client.post(f"{WEFT}/{reply['id']}/hide").status_code == 401
    assert client.post(f"{WEFT}/99999999999/unhide", headers=alice.auth).status_code == 404
    response = client.get(f"{WEFT}/{reply['id']}/hidden_replies", headers=alice.auth)
    _error(response, 404, "Record not found")
    # Bob's own reply, in Alice's conversation: not his to list.
    response = client.get(f"{WEFT}/{reply['id']}/hidden_replies", headers=bob.auth)
    _error(response, 404, "Record not found")
    listed = client.get(f"{WEFT}/{own['id']}/hidden_replies", headers=alice.auth)
    assert listed.status_code == 200


# --- 10. archive ------------------------------------------------------------------------


async def test_archive_keeps_a_post_for_its_author_alone(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    mine = post(client, alice, status="Old news")
    client.post(f"/api/v1/statuses/{mine['id']}/favourite", headers=bob.auth)
    reply = _reply(client, bob, mine["id"], "nice")
    archived = client.post(f"{WEFT}/{mine['id']}/archive", headers=alice.auth)
    assert archived.status_code == 200, archived.text
    assert archived.json()["archived"] is True
    assert archived.json()["favourites_count"] == 1
    for viewer in (bob.auth, {}):
        assert client.get(f"/api/v1/statuses/{mine['id']}", headers=viewer).status_code == 404
    profile = client.get(f"/api/v1/accounts/{alice.account_id}/statuses", headers=bob.auth)
    assert mine["id"] not in _ids(profile)
    own_profile = client.get(f"/api/v1/accounts/{alice.account_id}/statuses", headers=alice.auth)
    assert mine["id"] in _ids(own_profile)
    refused = client.post(
        "/api/v1/statuses", headers=bob.auth, data={"status": "Re", "in_reply_to_id": mine["id"]}
    )
    assert refused.status_code == 404
    back = client.post(f"{WEFT}/{mine['id']}/unarchive", headers=alice.auth)
    assert back.json()["archived"] is False
    shown = client.get(f"/api/v1/statuses/{mine['id']}", headers=bob.auth).json()
    assert (shown["favourites_count"], shown["replies_count"]) == (1, 1)
    assert _descendants(client, bob, mine["id"]) == [reply["id"]]


async def test_archive_bad_inputs(client: httpx.Client, alice: Person, bob: Person) -> None:
    mine = post(client, alice, status="Mine")
    _error(client.post(f"{WEFT}/{mine['id']}/archive", headers=bob.auth), 404, "Record not found")
    assert client.post(f"{WEFT}/{mine['id']}/archive").status_code == 401
    assert client.post(f"{WEFT}/nope/archive", headers=alice.auth).status_code == 404
    repost = client.post(f"/api/v1/statuses/{mine['id']}/reblog", headers=alice.auth).json()
    _invalid(
        client.post(f"{WEFT}/{repost['id']}/archive", headers=alice.auth),
        "id",
        "is a repost: undo it instead of archiving it",
    )
    twice = [client.post(f"{WEFT}/{mine['id']}/archive", headers=alice.auth) for _ in range(2)]
    assert [r.status_code for r in twice] == [200, 200]


async def test_archive_tells_other_servers_by_delete_and_create(
    client: httpx.Client, alice: Person, db: Database, server: LiveServer
) -> None:
    """No remote follower here: nothing is queued (the two-server test sends them)."""
    mine = post(client, alice, status="Mine")
    client.post(f"{WEFT}/{mine['id']}/archive", headers=alice.auth)
    await Worker(db, server.settings).run_until_idle()


# --- 11. quotes -------------------------------------------------------------------------


async def test_quotes_of_a_post(
    client: httpx.Client, alice: Person, bob: Person, dave: Person, db: Database
) -> None:
    quoted = post(client, alice, status="Quote me")
    first = post(client, bob, status="Yes", quoted_status_id=quoted["id"])
    second = post(client, dave, status="Also", quoted_status_id=quoted["id"])
    private = post(client, dave, status="Mine", quoted_status_id=quoted["id"], visibility="private")
    url = f"/api/v1/statuses/{quoted['id']}/quotes"
    assert _ids(client.get(url, headers=alice.auth)) == [second["id"], first["id"]]
    assert _ids(client.get(url)) == [second["id"], first["id"]]
    assert _ids(client.get(url, headers=dave.auth)) == [private["id"], second["id"], first["id"]]
    page = client.get(f"{url}?limit=1", headers=dave.auth)
    assert _ids(page) == [private["id"]]
    older = client.get(f"{url}?limit=1&max_id={private['id']}", headers=dave.auth)
    assert _ids(older) == [second["id"]]
    assert 'rel="next"' in page.headers["Link"]
    client.post(f"{url}/{first['id']}/revoke", headers=alice.auth)
    assert first["id"] not in _ids(client.get(url, headers=alice.auth))
    hidden = post(client, alice, status="Hidden", visibility="private")
    assert_error(client.get(f"/api/v1/statuses/{hidden['id']}/quotes"), 404, "Record not found")
    assert_invalid(client.get(f"{url}?max_id=x"), "max_id", "must be an id")


async def test_interaction_policy(client: httpx.Client, alice: Person, bob: Person) -> None:
    mine = post(client, alice, status="Quote me?")
    url = f"/api/v1/statuses/{mine['id']}/interaction_policy"
    changed = client.put(url, headers=alice.auth, data={"quote_approval_policy": "nobody"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["quote_approval"]["automatic"] == []
    refused = client.post(
        "/api/v1/statuses", headers=bob.auth, data={"status": "Q", "quoted_status_id": mine["id"]}
    )
    assert_invalid(refused, "quoted_status_id", "cannot be quoted by you")
    opened = client.put(url, headers=alice.auth, json={"quote_approval_policy": "public"})
    assert opened.json()["quote_approval"]["automatic"] == ["public"]
    private = post(client, alice, status="Followers", visibility="private")
    stays = client.put(
        f"/api/v1/statuses/{private['id']}/interaction_policy",
        headers=alice.auth,
        data={"quote_approval_policy": "public"},
    )
    assert stays.json()["quote_approval"]["automatic"] == []
    # Bad inputs.
    assert_invalid(
        client.put(url, headers=alice.auth, data={"quote_approval_policy": "friends"}),
        "quote_approval_policy",
        "must be one of: public, followers, nobody",
    )
    assert_invalid(
        client.put(url, headers=alice.auth, data={}), "quote_approval_policy", "is required"
    )
    response = client.put(url, headers=bob.auth, data={"quote_approval_policy": "nobody"})
    assert_error(response, 404, "Record not found")
    assert client.put(url, data={"quote_approval_policy": "nobody"}).status_code == 401


def test_the_endpoints_are_in_the_openapi_document(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/weft/v1/statuses/{status_id}/pending_replies",
        "/api/weft/v1/statuses/{status_id}/pending_replies/{reply_id}/approve",
        "/api/weft/v1/statuses/{status_id}/pending_replies/{reply_id}/ignore",
        "/api/weft/v1/statuses/{status_id}/pending_replies/approve_all",
        "/api/weft/v1/statuses/{status_id}/hide",
        "/api/weft/v1/statuses/{status_id}/unhide",
        "/api/weft/v1/statuses/{status_id}/hidden_replies",
        "/api/weft/v1/statuses/{status_id}/archive",
        "/api/weft/v1/statuses/{status_id}/unarchive",
        "/api/v1/statuses/{status_id}/quotes",
        "/api/v1/statuses/{status_id}/interaction_policy",
    ):
        assert path in paths, path
