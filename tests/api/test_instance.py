"""The Instance entities claim only what the server does now.

Each claim is pinned next to the behaviour it describes, so that when a
feature lands (streaming, web push, an about page, featured tags) the
test fails and the entity is brought up to date with it.
"""

from __future__ import annotations

import base64

import httpx

from tests.api.helpers import bearer
from tests.factories import Person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.push.vapid import public_key

POLLS = {
    "max_options": 4,
    "max_characters_per_option": 25,
    "min_expiration": 300,
    "max_expiration": 604800,
}


def test_polls_are_offered_with_threads_limits(client: httpx.Client, alice: Person) -> None:
    v2 = assert_conforms(client.get("/api/v2/instance"))
    v1 = assert_conforms(client.get("/api/v1/instance"))
    assert v2["configuration"]["polls"] == POLLS
    assert v1["configuration"]["polls"] == POLLS
    made = client.post(
        "/api/v1/statuses",
        headers=bearer(alice.token),
        json={"status": "which?", "poll": {"options": ["a", "b"], "expires_in": 3600}},
    )
    assert made.status_code == 200, made.text
    assert [o["title"] for o in made.json()["poll"]["options"]] == ["a", "b"]


def test_streaming_url_and_web_push_key(client: httpx.Client, server: LiveServer) -> None:
    configuration = client.get("/api/v2/instance").json()["configuration"]
    # The streaming API is served by this server (tests/streaming/).
    assert configuration["urls"]["streaming"] == server.url.replace("http://", "ws://")
    assert client.get("/api/v1/streaming/health").text == "OK"
    # Web push (tests/push/): the server's VAPID public key, a P-256 point.
    key = configuration["vapid"]["public_key"]
    assert len(base64.urlsafe_b64decode(key + "=")) == 65
    assert key == public_key(server.settings)
    v1 = client.get("/api/v1/instance").json()
    assert v1["urls"] == {"streaming_api": server.url.replace("http://", "ws://")}


def test_about_pages_are_claimed(client: httpx.Client, server: LiveServer) -> None:
    urls = client.get("/api/v2/instance").json()["configuration"]["urls"]
    urls.pop("streaming")
    # No terms of service until an admin writes them (tests/signup/).
    assert urls == {
        "status": None,
        "about": f"{server.url}/about",
        "privacy_policy": f"{server.url}/privacy-policy",
        "terms_of_service": None,
    }
    assert client.get("/about").status_code == 200
    assert client.get("/privacy-policy").status_code == 200
    assert client.get("/terms-of-service").status_code == 404


def test_no_featured_tags_are_offered(client: httpx.Client, alice: Person) -> None:
    v2 = client.get("/api/v2/instance").json()
    v1 = client.get("/api/v1/instance").json()
    assert v2["configuration"]["accounts"]["max_featured_tags"] == 0
    assert v1["configuration"]["accounts"]["max_featured_tags"] == 0
    assert client.get("/api/v1/featured_tags", headers=bearer(alice.token)).status_code == 404


def test_the_thumbnail_is_there(client: httpx.Client) -> None:
    v2 = client.get("/api/v2/instance").json()
    v1 = client.get("/api/v1/instance").json()
    assert v1["thumbnail"] == v2["thumbnail"]["url"]
    assert client.get(v2["thumbnail"]["url"]).status_code == 200


def test_active_month_counts_only_people_active_within_30_days(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    # Neither has signed in through the web or posted: a token alone is no activity.
    assert client.get("/api/v2/instance").json()["usage"]["users"]["active_month"] == 0
    posted = client.post("/api/v1/statuses", headers=alice.auth, data={"status": "here"})
    assert posted.status_code == 200
    body = client.get("/api/v2/instance").json()
    assert body["usage"]["users"]["active_month"] == 1
    assert client.get("/nodeinfo/2.1").json()["usage"]["users"]["activeMonth"] == 1
    assert client.get("/api/v1/instance").json()["stats"]["user_count"] == 2
