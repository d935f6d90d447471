"""Topics over real HTTP: Threads' ``topic_tag`` (1 to 50 characters, no ``.``
or ``&``), a topic's page (Recent and Top), and following topics and hashtags
(Mastodon's tags API), whose public posts come into Home."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.test_polls import made, refused
from tests.api.test_timelines import HOME
from tests.api.test_timelines import ids as mastodon_ids
from tests.live import LiveServer
from tests.timelines.helpers import drain, people
from weft.db.database import Database

STATUSES = "/api/v1/statuses"
TOPICS = "/api/weft/v1/topics"


def ids(response: httpx.Response) -> list[str]:
    """Weft's own routes are not in Mastodon's OpenAPI document."""
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


def post(client: httpx.Client, auth: dict[str, str], **body: Any) -> httpx.Response:
    return client.post(STATUSES, headers=auth, json={"status": "hi", **body})


async def test_a_post_has_one_topic(client: httpx.Client, server: LiveServer, db: Database) -> None:
    (alice,) = await people(db, server.settings, "alice")
    status = made(post(client, alice.auth, topic_tag="  Book   Club "))
    assert status["topic_tag"] == "Book Club"
    assert {"name": "Book Club", "url": f"{server.url}/tags/book%20club"} in status["tags"]
    again = made(post(client, alice.auth, topic_tag="book club"))
    assert again["topic_tag"] == "Book Club"  # the first spelling stays
    assert made(post(client, alice.auth))["topic_tag"] is None
    shown = client.get(f"{STATUSES}/{status['id']}").json()
    assert shown["topic_tag"] == "Book Club"


async def test_topic_limits_are_refused_by_name(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    made(post(client, alice.auth, topic_tag="x" * 50))
    error = refused(post(client, alice.auth, topic_tag="x" * 51), "topic_tag")
    assert error.endswith("is too long (51 characters; the most is 50)")
    assert refused(post(client, alice.auth, topic_tag="a.b"), "topic_tag").endswith("'.'")
    assert refused(post(client, alice.auth, topic_tag="R&D"), "topic_tag").endswith("'&'")
    refused(post(client, alice.auth, topic_tag="#"), "topic_tag")
    refused(post(client, alice.auth, topic_tag="a\u0000b"), "topic_tag")
    made(post(client, alice.auth, topic_tag=""))  # empty: no topic
    newest = client.get(f"/api/v1/accounts/{alice.account_id}/statuses").json()[0]
    assert newest["topic_tag"] is None


async def test_a_topic_page_recent_and_top(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    first = made(post(client, alice.auth, topic_tag="Gardening"))["id"]
    second = made(post(client, alice.auth, topic_tag="gardening"))["id"]
    made(post(client, alice.auth, topic_tag="Cooking"))
    made(post(client, alice.auth, topic_tag="Gardening", visibility="unlisted"))
    liked = client.post(f"{STATUSES}/{first}/favourite", headers=bob.auth)
    assert liked.status_code == 200, liked.text

    topic = client.get(f"{TOPICS}/gardening", headers=bob.auth)
    assert topic.status_code == 200, topic.text
    assert topic.json() == {
        "id": topic.json()["id"],
        "name": "Gardening",
        "url": f"{server.url}/topics/Gardening",
        "history": [],
        "following": False,
        "posts_count": 2,
    }
    assert "following" not in client.get(f"{TOPICS}/Gardening").json()
    assert ids(client.get(f"{TOPICS}/Gardening/statuses")) == [second, first]
    top = client.get(f"{TOPICS}/Gardening/statuses", params={"order": "top"})
    assert ids(top) == [first, second]
    refused(client.get(f"{TOPICS}/Gardening/statuses", params={"order": "best"}), "order")
    refused(client.get(f"{TOPICS}/Gardening/statuses", params={"offset": "-1"}), "offset")
    assert client.get(f"{TOPICS}/Unknown").status_code == 404
    assert client.get(f"{TOPICS}/Unknown/statuses").status_code == 404


async def test_followed_topics_and_hashtags_come_into_home(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    followed = client.post("/api/v1/tags/Knitting/follow", headers=bob.auth)
    assert followed.status_code == 200, followed.text
    assert followed.json()["following"] is True
    assert client.post("/api/v1/tags/knitting/follow", headers=bob.auth).status_code == 200
    assert client.post("/api/v1/tags/cats/follow", headers=bob.auth).status_code == 200
    listed = client.get("/api/v1/followed_tags", headers=bob.auth)
    assert [t["name"] for t in listed.json()] == ["cats", "Knitting"]
    # Paged by the follow, newest first, as Mastodon pages it.
    first = client.get("/api/v1/followed_tags", params={"limit": 1}, headers=bob.auth)
    assert [t["name"] for t in first.json()] == ["cats"]
    older = first.links["next"]["url"]
    assert [t["name"] for t in client.get(older, headers=bob.auth).json()] == ["Knitting"]
    newer = client.get(first.links["prev"]["url"], headers=bob.auth)
    assert newer.json() == []
    assert client.get("/api/v1/tags/Knitting", headers=bob.auth).json()["following"] is True

    topic = made(post(client, alice.auth, topic_tag="knitting"))["id"]
    hashtag = made(post(client, alice.auth, status="look #cats"))["id"]
    made(post(client, alice.auth, topic_tag="knitting", visibility="unlisted"))
    made(post(client, alice.auth))
    await drain(db, server.settings)
    assert mastodon_ids(client.get(HOME, headers=bob.auth)) == [hashtag, topic]

    left = client.post("/api/v1/tags/knitting/unfollow", headers=bob.auth)
    assert left.json()["following"] is False
    assert [t["name"] for t in client.get("/api/v1/followed_tags", headers=bob.auth).json()] == [
        "cats"
    ]
    assert client.post("/api/v1/tags/nothing/unfollow", headers=bob.auth).status_code == 404
    refused(client.post("/api/v1/tags/a.b/follow", headers=bob.auth), "name")
    assert client.get("/api/v1/followed_tags").status_code == 401
