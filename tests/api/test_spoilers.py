"""Spoilers over real HTTP: Threads' ``text_entities`` ranges and
``is_spoiler_media``, their limits and the 422 naming each bad range."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.api.test_media import ready
from tests.api.test_polls import made, refused
from tests.factories import Person
from tests.live import LiveServer
from tests.media.helpers import photo
from tests.timelines.helpers import people
from weft.db.database import Database

STATUSES = "/api/v1/statuses"


def spoiler(offset: int, length: int, kind: str = "spoiler") -> dict[str, Any]:
    return {"entity_type": kind, "offset": offset, "length": length}


async def test_spoiler_ranges_are_kept_and_marked_in_the_html(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    # Threads' form: the entities as a JSON text, its entity_type in capitals.
    entities = json.dumps([spoiler(15, 3, "SPOILER"), spoiler(0, 3)])
    status = made(
        client.post(
            STATUSES,
            headers=alice.auth,
            data={"status": "The butler did it. Who knew?", "text_entities": entities},
        )
    )
    assert status["text_entities"] == [spoiler(0, 3), spoiler(15, 3)]
    assert status["content"] == (
        '<p><span class="spoiler">The</span> butler did '
        '<span class="spoiler">it.</span> Who knew?</p>'
    )
    assert status["spoiler_text"] == ""
    assert status["is_spoiler_media"] is False
    shown = client.get(f"{STATUSES}/{status['id']}").json()
    assert shown["text_entities"] == [spoiler(0, 3), spoiler(15, 3)]


async def test_spoiler_ranges_as_json(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    body = {"status": "a" * 20, "text_entities": [spoiler(i * 2, 1) for i in range(10)]}
    status = made(client.post(STATUSES, headers=alice.auth, json=body))
    assert len(status["text_entities"]) == 10


async def test_bad_spoiler_ranges_are_refused_by_name(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")

    def post(entities: Any, text: str = "Spoiler alert") -> httpx.Response:
        body = {"status": text, "text_entities": entities}
        return client.post(STATUSES, headers=alice.auth, json=body)

    error = refused(post([spoiler(0, 5), spoiler(4, 2)]), "text_entities[1]")
    assert error.endswith("overlaps text_entities[0]")
    error = refused(post([spoiler(8, 6)]), "text_entities[0]")
    assert "go past the end of the text (13 characters)" in error
    made(post([spoiler(8, 5)]))  # to the very end
    refused(post([spoiler(0, 1)] * 11, "a" * 30), "text_entities")
    refused(post([spoiler(0, 0)]), "text_entities[0]")
    refused(post([spoiler(-1, 2)]), "text_entities[0]")
    refused(post([spoiler(0, 2, "bold")]), "text_entities[0]")
    refused(post(["x"]), "text_entities[0]")
    refused(post("[not json"), "text_entities")
    refused(post({"a": 1}), "text_entities")
    # Code points: an emoji is one.
    made(post([spoiler(2, 1)], "a 🎉 b"))
    refused(post([spoiler(4, 2)], "a 🎉 b"), "text_entities[0]")


async def test_a_media_spoiler_needs_media(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    data = {"status": "hi", "is_spoiler_media": "true"}
    refused(client.post(STATUSES, headers=alice.auth, data=data), "is_spoiler_media")
    data["is_spoiler_media"] = "perhaps"
    refused(client.post(STATUSES, headers=alice.auth, data=data), "is_spoiler_media")


async def test_a_media_spoiler_makes_the_post_sensitive(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    media = await ready(client, db, server, alice, photo("png"))
    data = {"status": "look", "media_ids[]": [media["id"]], "is_spoiler_media": "true"}
    status = made(client.post(STATUSES, headers=alice.auth, data=data))
    assert (status["is_spoiler_media"], status["sensitive"]) == (True, True)


async def test_an_edit_keeps_the_ranges_its_text_still_holds(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    body = {"status": "Snape kills Dumbledore", "text_entities": [spoiler(0, 5), spoiler(12, 10)]}
    status = made(client.post(STATUSES, headers=alice.auth, json=body))
    edited = client.put(
        f"{STATUSES}/{status['id']}", headers=alice.auth, json={"status": "Snape kills him"}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["text_entities"] == [spoiler(0, 5)]
    assert edited.json()["content"] == '<p><span class="spoiler">Snape</span> kills him</p>'
