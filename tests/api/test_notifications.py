"""Notifications (v1 and grouped v2) and markers over real HTTP."""

from __future__ import annotations

import httpx

from tests.api.test_interactions import act
from tests.api.test_timelines import links, say
from tests.live import LiveServer
from tests.openapi import assert_conforms
from tests.timelines.helpers import follow, people
from weft.db.database import Database

V1 = "/api/v1/notifications"
V2 = "/api/v2/notifications"


def types(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [n["type"] for n in assert_conforms(response)]


async def test_v1_filters_dismiss_and_clear(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    hello = say(client, alice, "hello")
    await follow(db, bob, alice)
    act(client, bob.auth, hello, "favourite")
    act(client, carol.auth, hello, "reblog")
    assert types(client.get(V1, headers=alice.auth)) == ["reblog", "favourite", "follow"]
    only = client.get(V1, params={"types[]": ["favourite", "follow"]}, headers=alice.auth)
    assert types(only) == ["favourite", "follow"]
    assert types(client.get(V1, params={"exclude_types[]": "follow"}, headers=alice.auth)) == [
        "reblog",
        "favourite",
    ]
    from_bob = client.get(V1, params={"account_id": bob.account_id}, headers=alice.auth)
    assert types(from_bob) == ["favourite", "follow"]
    page = client.get(V1, params={"limit": 1}, headers=alice.auth)
    first = assert_conforms(page)[0]
    assert first["status"]["id"] == hello
    assert "max_id=" + first["id"] in links(page)["next"]
    one = client.get(f"{V1}/{first['id']}", headers=alice.auth)
    assert assert_conforms(one)["id"] == first["id"]
    assert client.get(f"{V1}/{first['id']}", headers=bob.auth).status_code == 404
    assert client.post(f"{V1}/{first['id']}/dismiss", headers=alice.auth).status_code == 200
    assert client.get(f"{V1}/{first['id']}", headers=alice.auth).status_code == 404
    assert client.post(f"{V1}/clear", headers=alice.auth).status_code == 200
    assert types(client.get(V1, headers=alice.auth)) == []


async def test_notifications_of_posts_no_longer_visible_are_left_out(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    await follow(db, bob, alice)
    mention = say(client, alice, "@bob hi, followers", "private")
    assert types(client.get(V1, headers=bob.auth)) == ["mention"]
    client.delete(f"/api/v1/statuses/{mention}", headers=alice.auth)
    assert types(client.get(V1, headers=bob.auth)) == []


async def test_v2_groups_likes_of_one_post(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, *fans = await people(db, server.settings, "alice", "bob", "carol", "dave")
    hello = say(client, alice, "hello")
    for fan in fans:
        act(client, fan.auth, hello, "favourite")
    response = client.get(V2, headers=alice.auth)
    body = assert_conforms(response)
    (group,) = body["notification_groups"]
    assert group["type"] == "favourite"
    assert group["notifications_count"] == 3
    assert group["sample_account_ids"] == [str(f.account_id) for f in fans[::-1]]
    assert group["status_id"] == hello
    assert [s["id"] for s in body["statuses"]] == [hello]
    assert {a["id"] for a in body["accounts"]} == {str(f.account_id) for f in fans}
    ungrouped = client.get(V2, params={"grouped_types[]": "reblog"}, headers=alice.auth)
    assert len(assert_conforms(ungrouped)["notification_groups"]) == 3
    unread = client.get(f"{V2}/unread_count", headers=alice.auth)
    assert assert_conforms(unread) == {"count": 3}


async def test_markers(client: httpx.Client, server: LiveServer, db: Database) -> None:
    (alice,) = await people(db, server.settings, "alice")
    url = "/api/v1/markers"
    assert assert_conforms(client.get(url, headers=alice.auth)) == {}
    saved = client.post(url, data={"home[last_read_id]": "123"}, headers=alice.auth)
    assert assert_conforms(saved)["home"]["version"] == 0
    again = client.post(
        url,
        json={"home": {"last_read_id": "456"}, "notifications": {"last_read_id": "7"}},
        headers=alice.auth,
    )
    body = assert_conforms(again)
    assert body["home"]["last_read_id"] == "456"
    assert body["home"]["version"] == 1
    assert body["notifications"]["version"] == 0
    both = client.get(url, params={"timeline[]": ["home", "notifications"]}, headers=alice.auth)
    assert set(assert_conforms(both)) == {"home", "notifications"}
    only = client.get(url, params={"timeline[]": "home"}, headers=alice.auth)
    assert set(assert_conforms(only)) == {"home"}
    bad = client.post(url, data={"home[last_read_id]": "x"}, headers=alice.auth)
    assert bad.status_code == 422
