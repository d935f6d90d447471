"""Preview cards over real HTTP: the ``card`` of a Status and GET /api/v1/statuses/:id/card.

The ``server`` fixture runs with ``allow_private_network`` off, as production
does. Fetching is done by the worker, so the tests that need the loopback
page server to be reachable run the worker with it on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.cards.helpers import oembed_page, opengraph_page, png
from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.net.pages import PageServer
from tests.openapi import assert_conforms, validate
from weft.db.database import Database
from weft.jobs.worker import Worker

STATUSES = "/api/v1/statuses"


@pytest.fixture
def pages() -> Iterator[PageServer]:
    server = PageServer().start()
    yield server
    server.stop()


async def run_jobs(db: Database, server: LiveServer, *, fetching: bool = True) -> None:
    settings = server.settings.with_(allow_private_network=fetching)
    await Worker(db, settings).run_until_idle()


def post(client: httpx.Client, person: Person, **data: Any) -> dict[str, Any]:
    response = client.post(STATUSES, headers=person.auth, data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = assert_conforms(response)
    return body


def show(client: httpx.Client, person: Person, status_id: str) -> dict[str, Any]:
    response = client.get(f"{STATUSES}/{status_id}", headers=person.auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = assert_conforms(response)
    return body


async def test_a_post_shows_its_card(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, pages: PageServer
) -> None:
    url = opengraph_page(pages)
    status = post(client, alice, status=f"A good read: {url}")
    assert status["card"] is None  # built after the post is saved
    await run_jobs(db, server)
    card = show(client, alice, status["id"])["card"]
    assert card["url"] == url
    assert (card["type"], card["title"]) == ("link", "The weaving & the weft")
    assert card["description"] == "How threads cross."
    assert card["provider_name"] == "Loom Weekly"
    assert card["authors"] == [{"name": "Ada", "url": "", "account": None}]
    assert card["published_at"] == "2025-05-01T10:00:00.000Z"
    assert card["blurhash"]
    assert (card["width"], card["height"]) == (640, 320)
    assert card["image"].startswith(server.url)
    image = client.get(card["image"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"
    # The deprecated endpoint answers the same card (it is not in the 4.7 document).
    response = client.get(f"{STATUSES}/{status['id']}/card")
    assert response.status_code == 200
    assert response.json() == card
    validate(response.json(), {"$ref": "#/components/schemas/PreviewCard"})
    # In a timeline too (the bundle loads cards for the whole page).
    timeline = client.get(f"/api/v1/accounts/{alice.account_id}/statuses", headers=alice.auth)
    assert timeline.status_code == 200
    assert assert_conforms(timeline)[0]["card"] == card


async def test_an_embed_is_served_sanitized(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, pages: PageServer
) -> None:
    status = post(client, alice, status=oembed_page(pages, "rich"))
    await run_jobs(db, server)
    card = show(client, alice, status["id"])["card"]
    assert card["type"] == "rich"
    assert card["html"].startswith('<iframe src="https://video.example/embed/1"')
    assert "<script" not in card["html"]


async def test_no_card_is_empty_and_hidden_posts_are_not_found(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, pages: PageServer
) -> None:
    plain = post(client, alice, status="no links here")
    response = client.get(f"{STATUSES}/{plain['id']}/card")
    assert (response.status_code, response.json()) == (200, {})
    bob = await make_person(db, server.settings, "bob")
    private = post(
        client, bob, status=f"followers only {opengraph_page(pages)}", visibility="private"
    )
    await run_jobs(db, server)
    assert client.get(f"{STATUSES}/{private['id']}/card", headers=bob.auth).json()["title"]
    hidden = client.get(f"{STATUSES}/{private['id']}/card", headers=alice.auth)
    assert (hidden.status_code, hidden.json()) == (404, {"error": "Record not found"})
    assert client.get(f"{STATUSES}/{private['id']}/card").status_code == 404
    assert client.get(f"{STATUSES}/123456/card").status_code == 404


async def test_a_post_with_media_gets_no_card(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, pages: PageServer
) -> None:
    upload = client.post(
        "/api/v2/media", headers=alice.auth, files={"file": ("p.png", png(64, 64), "image/png")}
    )
    if upload.status_code == 404:
        pytest.skip("media uploads are not served yet")
    assert upload.status_code in (200, 202), upload.text
    await run_jobs(db, server)
    url = opengraph_page(pages)
    status = post(client, alice, status=f"photo and {url}", **{"media_ids[]": upload.json()["id"]})
    await run_jobs(db, server)
    shown = show(client, alice, status["id"])
    assert len(shown["media_attachments"]) == 1
    assert shown["card"] is None
    assert pages.total_requests == 0


async def test_loopback_links_are_not_fetched_outside_tests(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, pages: PageServer
) -> None:
    assert server.settings.allow_private_network is False
    url = opengraph_page(pages)
    status = post(client, alice, status=f"internal {url}")
    await run_jobs(db, server, fetching=False)
    assert show(client, alice, status["id"])["card"] is None
    assert client.get(f"{STATUSES}/{status['id']}/card").json() == {}
    assert pages.connections == 0
