"""Follows, follow requests, followers and relationships over real HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from sqlalchemy import text

from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.db.database import Database


def post(client: httpx.Client, person: Person, path: str, **data: Any) -> dict[str, Any]:
    response = client.post(path, headers=person.auth, data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = assert_conforms(response)
    return body


def get(client: httpx.Client, person: Person | None, path: str, **params: Any) -> Any:
    response = client.get(path, headers=person.auth if person else {}, params=params)
    assert response.status_code == 200, response.text
    return assert_conforms(response)


def account(client: httpx.Client, person: Person) -> dict[str, Any]:
    return get(client, None, f"/api/v1/accounts/{person.account_id}")  # type: ignore[no-any-return]


async def sql(db: Database, query: str, **params: Any) -> list[tuple[Any, ...]]:
    async with db.read() as session:
        return [tuple(row) for row in await session.execute(text(query), params)]


def ids(accounts: list[dict[str, Any]]) -> list[str]:
    return [a["id"] for a in accounts]


async def test_follow_a_public_account(
    client: httpx.Client, db: Database, alice: Person, bob: Person
) -> None:
    rel = post(client, alice, f"/api/v1/accounts/{bob.account_id}/follow")

    assert rel["id"] == str(bob.account_id)
    assert (rel["following"], rel["showing_reblogs"], rel["notifying"]) == (True, True, False)
    assert (rel["requested"], rel["followed_by"], rel["muting_expires_at"]) == (False, False, None)
    assert account(client, bob)["followers_count"] == 1
    assert account(client, alice)["following_count"] == 1
    assert await sql(
        db,
        "SELECT type, from_account_id FROM notifications WHERE account_id = :a",
        a=bob.account_id,
    ) == [("follow", alice.account_id)]
    jobs = await sql(db, "SELECT kind, payload FROM jobs")
    assert [(kind, _json(payload)) for kind, payload in jobs] == [
        (
            "timelines.merge",
            {"account_id": alice.account_id, "target_account_id": bob.account_id},
        )
    ]

    seen_by_bob = get(client, bob, "/api/v1/accounts/relationships", **{"id[]": alice.account_id})
    assert seen_by_bob[0]["followed_by"] is True
    assert seen_by_bob[0]["following"] is False


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def test_notify_and_reblogs_options(client: httpx.Client, alice: Person, bob: Person) -> None:
    path = f"/api/v1/accounts/{bob.account_id}/follow"
    rel = post(client, alice, path, notify="true", reblogs="false")
    assert (rel["notifying"], rel["showing_reblogs"]) == (True, False)
    # Following again keeps what is not given, and changes what is (JSON bodies too).
    response = client.post(path, headers=alice.auth, json={"reblogs": True})
    rel = assert_conforms(response)
    assert (rel["notifying"], rel["showing_reblogs"]) == (True, True)
    assert account(client, bob)["followers_count"] == 1


async def test_follow_requests(
    client: httpx.Client, db: Database, alice: Person, bob: Person, carol: Person
) -> None:
    rel = post(client, alice, f"/api/v1/accounts/{carol.account_id}/follow")
    assert (rel["following"], rel["requested"]) == (False, True)
    post(client, bob, f"/api/v1/accounts/{carol.account_id}/follow")
    assert await sql(
        db, "SELECT type FROM notifications WHERE account_id = :a", a=carol.account_id
    ) == [("follow_request",), ("follow_request",)]

    waiting = get(client, carol, "/api/v1/follow_requests")
    assert ids(waiting) == [str(bob.account_id), str(alice.account_id)]
    me = get(client, carol, "/api/v1/accounts/verify_credentials")
    assert me["source"]["follow_requests_count"] == 2
    seen = get(client, carol, "/api/v1/accounts/relationships", **{"id[]": alice.account_id})
    assert seen[0]["requested_by"] is True

    rel = post(client, carol, f"/api/v1/follow_requests/{alice.account_id}/authorize")
    assert rel["id"] == str(alice.account_id)
    assert rel["followed_by"] is True
    rel = post(client, carol, f"/api/v1/follow_requests/{bob.account_id}/reject")
    assert rel["followed_by"] is False
    assert rel["requested_by"] is False

    assert get(client, carol, "/api/v1/follow_requests") == []
    assert ids(get(client, None, f"/api/v1/accounts/{carol.account_id}/followers")) == [
        str(alice.account_id)
    ]
    assert account(client, carol)["followers_count"] == 1
    kinds = await sql(db, "SELECT kind FROM jobs")
    assert kinds == [("timelines.merge",)]

    missing = client.post(f"/api/v1/follow_requests/{bob.account_id}/authorize", headers=carol.auth)
    assert missing.status_code == 404
    assert missing.json() == {"error": "Record not found"}


async def test_unfollow_and_remove_follower(
    client: httpx.Client, db: Database, alice: Person, bob: Person, carol: Person
) -> None:
    post(client, alice, f"/api/v1/accounts/{bob.account_id}/follow")
    post(client, bob, f"/api/v1/accounts/{alice.account_id}/follow")
    post(client, alice, f"/api/v1/accounts/{carol.account_id}/follow")  # pending

    rel = post(client, alice, f"/api/v1/accounts/{bob.account_id}/unfollow")
    assert (rel["following"], rel["followed_by"]) == (False, True)
    rel = post(client, alice, f"/api/v1/accounts/{carol.account_id}/unfollow")
    assert rel["requested"] is False
    rel = post(client, alice, f"/api/v1/accounts/{bob.account_id}/remove_from_followers")
    assert rel["followed_by"] is False

    for person in (alice, bob):
        entity = account(client, person)
        assert (entity["followers_count"], entity["following_count"]) == (0, 0)
    unmerges = await sql(db, "SELECT payload FROM jobs WHERE kind = 'timelines.unmerge'")
    assert [_json(p) for (p,) in unmerges] == [
        {"account_id": alice.account_id, "target_account_id": bob.account_id},
        {"account_id": bob.account_id, "target_account_id": alice.account_id},
    ]


async def test_errors(client: httpx.Client, alice: Person, bob: Person) -> None:
    for path in ("/api/v1/accounts/999999/follow", "/api/v1/accounts/nope/block"):
        response = client.post(path, headers=alice.auth)
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    # As Mastodon: following oneself is "not found".
    response = client.post(f"/api/v1/accounts/{alice.account_id}/follow", headers=alice.auth)
    assert response.status_code == 404
    response = client.post(f"/api/v1/accounts/{bob.account_id}/follow")
    assert response.status_code == 401
    response = client.get("/api/v1/accounts/relationships")
    assert response.status_code == 401


async def test_relationships_for_several_ids(
    client: httpx.Client, db: Database, alice: Person, bob: Person, carol: Person
) -> None:
    post(client, alice, f"/api/v1/accounts/{bob.account_id}/follow")
    post(client, alice, f"/api/v1/accounts/{carol.account_id}/follow")
    post(client, alice, f"/api/v1/accounts/{carol.account_id}/mute")
    wanted = [carol.account_id, "999", bob.account_id, "x", carol.account_id]
    query = tuple(("id[]", str(i)) for i in wanted)
    response = client.get("/api/v1/accounts/relationships", headers=alice.auth, params=query)
    rels = assert_conforms(response)
    assert [r["id"] for r in rels] == [str(carol.account_id), str(bob.account_id)]
    assert (rels[0]["requested"], rels[0]["muting"], rels[0]["following"]) == (True, True, False)
    assert (rels[1]["following"], rels[1]["muting"]) == (True, False)

    single = get(client, alice, "/api/v1/accounts/relationships", id=bob.account_id)
    assert [r["id"] for r in single] == [str(bob.account_id)]


async def test_followers_pages_and_link_headers(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    people = [await make_person(db, server.settings, f"fan{i}") for i in range(5)]
    for person in people:
        post(client, person, f"/api/v1/accounts/{alice.account_id}/follow")
        post(client, alice, f"/api/v1/accounts/{person.account_id}/follow")
    newest_first = [str(p.account_id) for p in reversed(people)]

    for which in ("followers", "following"):
        path = f"/api/v1/accounts/{alice.account_id}/{which}"
        first = client.get(path, params={"limit": 2})
        assert ids(assert_conforms(first)) == newest_first[:2]
        seen = ids(first.json())
        link: str | None = first.links["next"]["url"]
        while link:
            page = client.get(link)
            seen += ids(assert_conforms(page))
            link = page.links.get("next", {}).get("url") if page.json() else None
        assert seen == newest_first
        prev = client.get(first.links["prev"]["url"])
        assert assert_conforms(prev) == []

    following_of_fan = get(client, None, f"/api/v1/accounts/{people[0].account_id}/following")
    assert ids(following_of_fan) == [str(alice.account_id)]


async def test_hide_collections(client: httpx.Client, alice: Person, bob: Person) -> None:
    post(client, bob, f"/api/v1/accounts/{alice.account_id}/follow")
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        headers=alice.auth,
        data={"hide_collections": "true"},
    )
    assert response.status_code == 200, response.text
    path = f"/api/v1/accounts/{alice.account_id}/followers"
    assert get(client, None, path) == []
    assert get(client, bob, path) == []
    assert ids(get(client, alice, path)) == [str(bob.account_id)]
    assert account(client, alice)["followers_count"] == 1


async def test_twenty_people_follow_at_once(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    people = [await make_person(db, server.settings, f"fan{i}") for i in range(20)]

    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:

        async def follow(person: Person) -> int:
            path = f"/api/v1/accounts/{alice.account_id}/follow"
            return (await http.post(path, headers=person.auth)).status_code

        statuses = await asyncio.gather(*(follow(p) for p in people * 2))

    assert statuses == [200] * 40
    assert account(client, alice)["followers_count"] == 20
    assert await sql(db, "SELECT count(*) FROM follows") == [(20,)]
    assert await sql(db, "SELECT count(*) FROM notifications WHERE type = 'follow'") == [(20,)]
