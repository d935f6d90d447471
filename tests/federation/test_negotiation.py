"""The web URLs of profiles and posts (``/@alice``, ``/@alice/:id``) answer
ActivityStreams to a fetcher that asks for it and HTML (naming the object's
id) to a browser; the instance actor's outbox and ``/robots.txt``."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.factories import Person
from tests.federation.helpers import AS, HTML, LD, fetch, post
from tests.live import LiveServer

ALTERNATE = re.compile(r'<link rel="alternate" type="application/activity\+json" href="([^"]+)">')


@pytest.mark.parametrize("accept", [AS, LD], ids=["activity+json", "ld+json"])
def test_web_urls_answer_activitystreams_when_asked(
    client: httpx.Client, server: LiveServer, alice: Person, accept: dict[str, str]
) -> None:
    status = post(client, alice, status="hello")
    note = fetch(client, f"/@alice/{status['id']}", accept)
    assert note["id"] == f"{server.url}/users/alice/statuses/{status['id']}"
    assert note["type"] == "Note"
    person = fetch(client, "/@alice", accept)
    assert person["id"] == f"{server.url}/users/alice"
    assert person["type"] == "Person"
    for path in (f"/@alice/{status['id']}", "/@alice"):
        assert "Accept" in client.get(path, headers=accept).headers["vary"]


def test_web_pages_stay_html_and_name_their_object(
    client: httpx.Client, server: LiveServer, alice: Person
) -> None:
    status = post(client, alice, status="hello")
    note_id = f"{server.url}/users/alice/statuses/{status['id']}"
    for path, object_id in ((f"/@alice/{status['id']}", note_id), ("/@alice", alice_id(server))):
        page = client.get(path, headers=HTML)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["vary"] == "Accept"
        assert ALTERNATE.findall(page.text) == [object_id]
        assert page.headers["link"] == (
            f'<{object_id}>; rel="alternate"; type="application/activity+json"'
        )


def alice_id(server: LiveServer) -> str:
    return f"{server.url}/users/alice"


def test_a_private_post_or_unknown_person_by_web_url_is_not_found(
    client: httpx.Client, server: LiveServer, alice: Person
) -> None:
    status = post(client, alice, status="followers only", visibility="private")
    assert client.get(f"/@alice/{status['id']}", headers=AS).status_code == 404
    assert client.get("/@nobody", headers=AS).status_code == 404
    assert client.get("/@nobody/1", headers=AS).status_code == 404


def test_the_instance_actors_outbox_is_an_empty_collection(
    client: httpx.Client, server: LiveServer
) -> None:
    actor = fetch(client, "/actor")
    outbox = fetch(client, actor["outbox"].removeprefix(server.url))
    assert outbox == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{server.url}/actor/outbox",
        "type": "OrderedCollection",
        "totalItems": 0,
        "orderedItems": [],
    }


def test_robots_txt_keeps_crawlers_to_public_pages(client: httpx.Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for private in ("/api/", "/oauth/", "/settings", "/auth/", "/compose", "/messages", "/admin"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_can_disallow_everything(server: LiveServer) -> None:
    closed = LiveServer(server.settings.with_(robots_disallow_all=True)).start()
    try:
        response = httpx.get(f"{closed.url}/robots.txt", timeout=30)
        assert response.text == "User-agent: *\nDisallow: /\n"
    finally:
        closed.stop()
