"""Notification filtering as Mastodon 4.3+: the policy, requests, and unread counts."""

from __future__ import annotations

import httpx
from mastodon import Mastodon

from tests.api.test_interactions import act
from tests.api.test_timelines import say
from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.actions.graph import follow_account
from weft.db.database import Database

POLICY = "/api/v2/notifications/policy"
REQUESTS = "/api/v1/notifications/requests"


def kinds(client: httpx.Client, person: Person, **params: str) -> list[tuple[str, str]]:
    response = client.get("/api/v1/notifications", params=params, headers=person.auth)
    return [(n["type"], n["account"]["id"]) for n in assert_conforms(response)]


def unread(client: httpx.Client, person: Person) -> tuple[int, int]:
    counts = []
    for version in ("v1", "v2"):
        response = client.get(f"/api/{version}/notifications/unread_count", headers=person.auth)
        counts.append(assert_conforms(response)["count"])
    return counts[0], counts[1]


async def test_filtered_notifications_wait_under_a_request_until_accepted(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    dave = await make_person(db, server.settings, "dave")
    defaults = assert_conforms(client.get(POLICY, headers=alice.auth))
    assert defaults == {
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "filter",
        "for_limited_accounts": "filter",
        "summary": {"pending_requests_count": 0, "pending_notifications_count": 0},
    }
    changed = client.patch(POLICY, json={"for_not_following": "filter"}, headers=alice.auth)
    assert assert_conforms(changed)["for_not_following"] == "filter"
    await follow_account(db, alice.account_id, dave.account_id)
    hello = say(client, alice, "hello")
    act(client, bob.auth, hello, "favourite")  # a stranger: kept aside
    act(client, dave.auth, hello, "favourite")  # she follows Dave: shown
    assert kinds(client, alice) == [("favourite", str(dave.account_id))]
    assert unread(client, alice) == (1, 1)
    summary = assert_conforms(client.get(POLICY, headers=alice.auth))["summary"]
    assert summary == {"pending_requests_count": 1, "pending_notifications_count": 1}

    listed = assert_conforms(client.get(REQUESTS, headers=alice.auth))
    assert [(r["account"]["id"], r["notifications_count"]) for r in listed] == [
        (str(bob.account_id), "1")
    ]
    assert listed[0]["last_status"]["id"] == hello
    request_id = listed[0]["id"]
    one = client.get(f"{REQUESTS}/{request_id}", headers=alice.auth)
    assert assert_conforms(one)["id"] == request_id
    assert client.get(f"{REQUESTS}/{request_id}", headers=bob.auth).status_code == 404
    aside = kinds(client, alice, include_filtered="true", account_id=str(bob.account_id))
    assert aside == [("favourite", str(bob.account_id))]

    accepted = client.post(f"{REQUESTS}/{request_id}/accept", headers=alice.auth)
    assert accepted.status_code == 200, accepted.text
    assert client.get(f"{REQUESTS}/merged", headers=alice.auth).json() == {"merged": True}
    assert kinds(client, alice) == [
        ("favourite", str(dave.account_id)),
        ("favourite", str(bob.account_id)),
    ]
    assert unread(client, alice) == (2, 2)
    assert assert_conforms(client.get(REQUESTS, headers=alice.auth)) == []
    # Bob's later notifications come through at once.
    act(client, bob.auth, hello, "reblog")
    assert kinds(client, alice)[0] == ("reblog", str(bob.account_id))
    again = client.post(f"{REQUESTS}/{request_id}/accept", headers=alice.auth)
    assert again.status_code == 404


async def test_dismissing_and_dropping(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    dave = await make_person(db, server.settings, "dave")
    erin = await make_person(db, server.settings, "erin")
    client.patch(POLICY, json={"for_not_following": "filter"}, headers=alice.auth)
    hello = say(client, alice, "hello")
    for person in (bob, dave):
        act(client, person.auth, hello, "favourite")
    ids = [r["id"] for r in client.get(REQUESTS, headers=alice.auth).json()]
    assert len(ids) == 2
    dismissed = client.post(f"{REQUESTS}/dismiss", data={"id[]": ids}, headers=alice.auth)
    assert dismissed.status_code == 200, dismissed.text
    assert client.get(REQUESTS, headers=alice.auth).json() == []
    assert kinds(client, alice, include_filtered="true") == []
    # "drop": never made at all.
    client.patch(POLICY, json={"for_not_following": "drop"}, headers=alice.auth)
    act(client, erin.auth, hello, "favourite")
    assert kinds(client, alice, include_filtered="true") == []
    assert client.get(REQUESTS, headers=alice.auth).json() == []


async def test_wrong_policy_values_are_refused_naming_the_field(
    client: httpx.Client, alice: Person
) -> None:
    wrong = client.patch(POLICY, json={"for_new_accounts": "maybe"}, headers=alice.auth)
    assert wrong.status_code == 422
    assert wrong.json()["error"] == (
        "Validation failed: for_new_accounts must be one of: accept, filter, drop"
    )
    assert client.get(POLICY, headers=alice.auth).json()["for_new_accounts"] == "accept"
    v1 = client.patch(
        "/api/v1/notifications/policy", json={"filter_new_accounts": "perhaps"}, headers=alice.auth
    )
    assert v1.status_code == 422
    assert v1.json()["error"] == "Validation failed: filter_new_accounts must be true or false"
    blank = client.post(f"{REQUESTS}/accept", headers=alice.auth)
    assert blank.status_code == 422
    assert client.get(POLICY).status_code == 401


async def test_the_v1_policy_maps_to_the_v2_one(client: httpx.Client, alice: Person) -> None:
    v1 = client.patch(
        "/api/v1/notifications/policy",
        json={"filter_not_followers": True, "filter_private_mentions": False},
        headers=alice.auth,
    )
    # Mastodon 4.3's v1 (gone from the 4.7 document, whose entity it still describes).
    assert v1.status_code == 200, v1.text
    assert assert_conforms(v1, "V1NotificationPolicy") == {
        "filter_not_following": False,
        "filter_not_followers": True,
        "filter_new_accounts": False,
        "filter_private_mentions": False,
        "summary": {"pending_requests_count": 0, "pending_notifications_count": 0},
    }
    v2 = client.get(POLICY, headers=alice.auth).json()
    assert (v2["for_not_followers"], v2["for_private_mentions"]) == ("filter", "accept")


async def test_unread_counts_skip_what_a_hide_filter_hides(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    made = client.post(
        "/api/v2/filters",
        json={
            "title": "Spoilers",
            "context": ["notifications"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "ending"}],
        },
        headers=alice.auth,
    )
    assert made.status_code == 200, made.text
    say(client, bob, "@alice a plain post")
    say(client, bob, "@alice the ending of the film")  # her filters hide it (not her own post)
    assert unread(client, alice) == (1, 1)
    assert len(kinds(client, alice)) == 1


async def test_mastodon_py_reads_and_changes_the_policy(
    client: httpx.Client, server: LiveServer, alice: Person, bob: Person
) -> None:
    app = Mastodon(access_token=alice.token, api_base_url=server.url, version_check_mode="none")
    policy = app.notifications_policy()
    assert policy.for_private_mentions == "filter"
    app.update_notifications_policy(for_not_following="filter")
    hello = say(client, alice, "hello")
    act(client, bob.auth, hello, "favourite")
    requests = app.notification_requests()
    assert [str(r.account.id) for r in requests] == [str(bob.account_id)]
    app.accept_notification_request(requests[0].id)
    assert [n.type for n in app.notifications()] == ["favourite"]
    assert app.notifications_unread_count().count == 1


async def test_a_request_from_someone_since_muted_is_not_listed(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    client.patch(POLICY, json={"for_not_following": "filter"}, headers=alice.auth)
    act(client, bob.auth, say(client, alice, "hello"), "favourite")
    assert len(client.get(REQUESTS, headers=alice.auth).json()) == 1
    muted = client.post(f"/api/v1/accounts/{bob.account_id}/mute", headers=alice.auth)
    assert muted.status_code == 200
    assert client.get(REQUESTS, headers=alice.auth).json() == []
