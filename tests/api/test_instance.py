"""The Instance entities claim only what the server does now.

Each claim is pinned next to the behaviour it describes, so that when a
feature lands (polls, streaming, web push, an about page, featured tags) the
test fails and the entity is brought up to date with it.
"""

from __future__ import annotations

import httpx

from tests.api.helpers import bearer
from tests.factories import Person
from tests.live import LiveServer
from tests.openapi import assert_conforms

NO_POLLS = {
    "max_options": 0,
    "max_characters_per_option": 0,
    "min_expiration": 0,
    "max_expiration": 0,
}


def test_no_polls_are_offered_and_none_can_be_made(client: httpx.Client, alice: Person) -> None:
    v2 = assert_conforms(client.get("/api/v2/instance"))
    v1 = assert_conforms(client.get("/api/v1/instance"))
    assert v2["configuration"]["polls"] == NO_POLLS
    assert v1["configuration"]["polls"] == NO_POLLS
    refused = client.post(
        "/api/v1/statuses",
        headers=bearer(alice.token),
        json={"status": "which?", "poll": {"options": ["a", "b"], "expires_in": 3600}},
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == "Validation failed: poll polls are not supported yet"


def test_streaming_url_and_no_web_push_key(client: httpx.Client, server: LiveServer) -> None:
    configuration = client.get("/api/v2/instance").json()["configuration"]
    # The streaming API is served by this server (tests/streaming/).
    assert configuration["urls"]["streaming"] == server.url.replace("http://", "ws://")
    assert client.get("/api/v1/streaming/health").text == "OK"
    assert "vapid" not in configuration
    v1 = client.get("/api/v1/instance").json()
    assert v1["urls"] == {"streaming_api": server.url.replace("http://", "ws://")}


def test_no_about_page_is_claimed(client: httpx.Client) -> None:
    urls = client.get("/api/v2/instance").json()["configuration"]["urls"]
    urls.pop("streaming")
    assert urls == {"status": None, "about": None, "privacy_policy": None, "terms_of_service": None}
    assert client.get("/about").status_code == 404


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
