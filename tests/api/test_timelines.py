"""Timelines over real HTTP: home, public, local, tag and account statuses."""

from __future__ import annotations

import re

import httpx

from tests.factories import Person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from tests.timelines.helpers import drain, follow, people
from weft.actions.graph import block_account, mute_account
from weft.db.database import Database

HOME = "/api/v1/timelines/home"
PUBLIC = "/api/v1/timelines/public"


def say(client: httpx.Client, person: Person, text: str, visibility: str = "public") -> str:
    response = client.post(
        "/api/v1/statuses", data={"status": text, "visibility": visibility}, headers=person.auth
    )
    assert response.status_code == 200, response.text
    status_id: str = response.json()["id"]
    return status_id


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["id"] for s in assert_conforms(response)]


def links(response: httpx.Response) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
    }


async def test_home_pages_and_links(client: httpx.Client, server: LiveServer, db: Database) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    await follow(db, bob, alice)
    posted = [say(client, alice, f"post {i}") for i in range(5)]
    await drain(db, server.settings)
    newest = posted[::-1]
    first = client.get(HOME, params={"limit": 2}, headers=bob.auth)
    assert ids(first) == newest[:2]
    assert links(first) == {
        "next": f"{server.url}{HOME}?limit=2&max_id={newest[1]}",
        "prev": f"{server.url}{HOME}?limit=2&min_id={newest[0]}",
    }
    second = client.get(links(first)["next"], headers=bob.auth)
    assert ids(second) == newest[2:4]
    assert ids(client.get(HOME, params={"since_id": posted[2]}, headers=bob.auth)) == newest[:2]
    assert ids(client.get(HOME, params={"min_id": posted[0], "limit": 2}, headers=bob.auth)) == [
        posted[2],
        posted[1],
    ]
    empty = client.get(HOME, params={"since_id": posted[-1]}, headers=bob.auth)
    assert ids(empty) == []
    assert "Link" not in empty.headers
    assert client.get(HOME).status_code == 401


async def test_home_hides_people_muted_or_blocked_after_the_fact(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    await follow(db, carol, alice)
    await follow(db, carol, bob)
    from_alice = say(client, alice, "from alice")
    from_bob = say(client, bob, "from bob")
    await drain(db, server.settings)
    assert ids(client.get(HOME, headers=carol.auth)) == [from_bob, from_alice]
    await mute_account(db, carol.account_id, alice.account_id)
    await block_account(db, bob.account_id, carol.account_id)
    # The block's unmerge has not run yet: reading filters anyway.
    assert ids(client.get(HOME, headers=carol.auth)) == []


async def test_followers_only_posts_stay_with_followers(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    await follow(db, bob, alice)
    public = say(client, alice, "for everyone #weft")
    private = say(client, alice, "for followers #weft", "private")
    await drain(db, server.settings)
    statuses = f"/api/v1/accounts/{alice.account_id}/statuses"
    assert ids(client.get(HOME, headers=bob.auth)) == [private, public]
    assert ids(client.get(statuses, headers=bob.auth)) == [private, public]
    for viewer in ({}, carol.auth):
        assert ids(client.get(HOME if viewer else PUBLIC, headers=viewer)) in ([], [public])
        assert ids(client.get(PUBLIC, headers=viewer)) == [public]
        assert ids(client.get("/api/v1/timelines/tag/weft", headers=viewer)) == [public]
        assert ids(client.get(statuses, headers=viewer)) == [public]


async def test_public_local_remote_and_tags(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    cats = say(client, alice, "#cats")
    both = say(client, alice, "#cats and #dogs")
    dogs = say(client, alice, "#dogs")
    say(client, alice, "quiet", "unlisted")
    assert ids(client.get(PUBLIC)) == [dogs, both, cats]
    assert ids(client.get(PUBLIC, params={"local": "true"})) == [dogs, both, cats]
    assert ids(client.get(PUBLIC, params={"remote": "true"})) == []
    assert ids(client.get(PUBLIC, params={"only_media": "true"})) == []
    tag = "/api/v1/timelines/tag/cats"
    assert ids(client.get(tag)) == [both, cats]
    assert ids(client.get(tag, params={"any[]": "dogs"})) == [dogs, both, cats]
    assert ids(client.get(tag, params={"all[]": "dogs"})) == [both]
    assert ids(client.get(tag, params={"none[]": "dogs"})) == [cats]
    assert ids(client.get("/api/v1/timelines/tag/CATS", params={"limit": 1})) == [both]


async def test_account_statuses_params(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    first = say(client, alice, "first #weft")
    reply = client.post(
        "/api/v1/statuses",
        data={"status": "@bob hi", "in_reply_to_id": say(client, bob, "hi")},
        headers=alice.auth,
    ).json()["id"]
    repost = client.post(f"/api/v1/statuses/{first}/reblog", headers=alice.auth).json()["id"]
    assert client.post(f"/api/v1/statuses/{first}/pin", headers=alice.auth).status_code == 200
    url = f"/api/v1/accounts/{alice.account_id}/statuses"
    assert ids(client.get(url)) == [repost, reply, first]
    assert ids(client.get(url, params={"exclude_replies": "true"})) == [repost, first]
    assert ids(client.get(url, params={"exclude_reblogs": "1"})) == [reply, first]
    assert ids(client.get(url, params={"pinned": "true"})) == [first]
    assert ids(client.get(url, params={"tagged": "weft"})) == [first]
    assert ids(client.get(url, params={"only_media": "true"})) == []
    assert client.get("/api/v1/accounts/123/statuses").status_code == 404
