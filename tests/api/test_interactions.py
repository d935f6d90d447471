"""Like, repost, save and pin over real HTTP, and the lists they make."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api.test_timelines import ids, links, say
from tests.factories import make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from tests.timelines.helpers import people
from weft.actions.graph import block_account
from weft.db.database import Database


def act(client: httpx.Client, auth: dict[str, str], status_id: str, verb: str, **data: str) -> dict:
    response = client.post(f"/api/v1/statuses/{status_id}/{verb}", data=data, headers=auth)
    assert response.status_code == 200, response.text
    body: dict = assert_conforms(response)
    return body


async def test_like_repost_save_and_their_counts(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    hello = say(client, alice, "hello")
    liked = act(client, bob.auth, hello, "favourite")
    assert (liked["favourited"], liked["favourites_count"]) == (True, 1)
    repost = act(client, bob.auth, hello, "reblog", visibility="unlisted")
    assert repost["visibility"] == "unlisted"
    assert repost["reblog"]["id"] == hello
    assert repost["reblog"]["reblogged"] is True
    assert repost["reblog"]["reblogs_count"] == 1
    assert act(client, bob.auth, repost["id"], "reblog")["id"] == repost["id"]  # one each
    saved = act(client, bob.auth, hello, "bookmark")
    assert saved["bookmarked"] is True
    assert ids(client.get("/api/v1/favourites", headers=bob.auth)) == [hello]
    assert ids(client.get("/api/v1/bookmarks", headers=bob.auth)) == [hello]
    by = client.get(f"/api/v1/statuses/{hello}/favourited_by")
    assert [a["id"] for a in assert_conforms(by)] == [str(bob.account_id)]
    by = client.get(f"/api/v1/statuses/{hello}/reblogged_by", headers=alice.auth)
    assert [a["id"] for a in assert_conforms(by)] == [str(bob.account_id)]
    undone = act(client, bob.auth, hello, "unfavourite")
    assert (undone["favourited"], undone["favourites_count"]) == (False, 0)
    unreposted = act(client, bob.auth, hello, "unreblog")
    assert (unreposted["reblogged"], unreposted["reblogs_count"]) == (False, 0)
    assert act(client, bob.auth, hello, "unbookmark")["bookmarked"] is False
    assert ids(client.get("/api/v1/bookmarks", headers=bob.auth)) == []


async def test_30_concurrent_likes(client: httpx.Client, server: LiveServer, db: Database) -> None:
    (alice,) = await people(db, server.settings, "alice")
    hello = say(client, alice, "hello")
    fans = [await make_person(db, server.settings, f"fan{i}") for i in range(30)]

    def like(auth: dict[str, str]) -> int:
        with server.client() as own:
            return own.post(f"/api/v1/statuses/{hello}/favourite", headers=auth).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        codes = list(pool.map(like, [fan.auth for fan in fans]))
    assert codes == [200] * 30
    body = assert_conforms(client.get(f"/api/v1/statuses/{hello}", headers=alice.auth))
    assert body["favourites_count"] == 30
    page = client.get(f"/api/v1/statuses/{hello}/favourited_by", params={"limit": 10})
    assert len(assert_conforms(page)) == 10
    assert "max_id=" in links(page)["next"]


async def test_hidden_posts_are_404_and_blocked_likers_hidden(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    secret = say(client, alice, "followers only", "private")
    for verb in ("favourite", "reblog", "bookmark", "pin"):
        response = client.post(f"/api/v1/statuses/{secret}/{verb}", headers=bob.auth)
        assert response.status_code == 404, verb
        assert response.json() == {"error": "Record not found"}
    assert client.get(f"/api/v1/statuses/{secret}/favourited_by").status_code == 404
    hello = say(client, alice, "hello")
    act(client, carol.auth, hello, "favourite")
    act(client, bob.auth, hello, "favourite")
    await block_account(db, alice.account_id, carol.account_id)
    by = client.get(f"/api/v1/statuses/{hello}/favourited_by", headers=alice.auth)
    assert [a["id"] for a in assert_conforms(by)] == [str(bob.account_id)]


async def test_pin_limit(client: httpx.Client, server: LiveServer, db: Database) -> None:
    (alice,) = await people(db, server.settings, "alice")
    posts = [say(client, alice, f"post {i}") for i in range(6)]
    for status_id in posts[:5]:
        assert act(client, alice.auth, status_id, "pin")["pinned"] is True
    refused = client.post(f"/api/v1/statuses/{posts[5]}/pin", headers=alice.auth)
    assert refused.status_code == 422
    assert refused.json()["error"] == (
        "Validation failed: You have already pinned the maximum number of posts"
    )
    assert act(client, alice.auth, posts[0], "unpin")["pinned"] is False
    assert act(client, alice.auth, posts[5], "pin")["pinned"] is True
