"""Threads' rich posts between two real ``weft serve`` processes over loopback:
spoilers, text attachments and topics go out in a Note and come back whole on
the other Weft server; what other servers get instead is in the Note too."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.federation.test_two_servers import (  # noqa: F401 (servers is a fixture)
    Pair,
    _api,
    person,
    resolve_status,
    servers,
)

pytestmark = [pytest.mark.acceptance, pytest.mark.two_server]
ACTIVITY_JSON = "application/activity+json"


def posted(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def note_of(uri: str) -> dict[str, Any]:
    response = httpx.get(uri, headers={"Accept": ACTIVITY_JSON}, timeout=30)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def test_spoilers_round_trip(servers: Pair) -> None:  # noqa: F811
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    entities = [{"entity_type": "spoiler", "offset": 4, "length": 6}]
    text = "The butler did it"
    status = posted(
        _api(
            servers.b.url,
            str(bob.access_token),
            "POST",
            "/api/v1/statuses",
            status=text,
            text_entities=json.dumps(entities),
        )
    )
    # Other servers get a content warning over the post; Weft's terms say where.
    document = note_of(status["uri"])
    assert document["summary"] == "Spoilers"
    assert document["textEntities"] == [{"type": "spoiler", "offset": 4, "length": 6}]

    seen = resolve_status(alice, status["url"])
    assert seen is not None
    assert [dict(e) for e in seen["text_entities"]] == entities
    assert seen["spoiler_text"] == ""  # the stand-in is taken out again
    assert '<span class="spoiler">butler</span>' in seen["content"]


def test_a_text_attachment_round_trips(servers: Pair) -> None:  # noqa: F811
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    attachment = {
        "plaintext": "Part one.\n\nPart two, https://example.com/more",
        "link_attachment_url": "https://example.com/book",
        "text_with_styling_info": [
            {"offset": 0, "length": 4, "styling_info": ["bold"]},
            {"offset": 11, "length": 4, "styling_info": ["italic", "highlight"]},
        ],
    }
    status = posted(
        _api(
            servers.b.url,
            str(bob.access_token),
            "POST",
            "/api/v1/statuses",
            status="A long one",
            text_attachment=json.dumps(attachment),
        )
    )
    # Mastodon reads the attachment's text after the post's own.
    document = note_of(status["uri"])
    assert document["content"] == status["content"]
    assert document["content"].startswith(
        "<p>A long one</p><p><strong>Part</strong> one.</p><p><em><mark>Part</mark></em> two,"
    )
    assert dict(document["textAttachment"]) == attachment

    seen = resolve_status(alice, status["url"])
    assert seen is not None
    assert json.loads(json.dumps(seen["text_attachment"])) == attachment
    assert seen["content"] == status["content"]  # the attachment shown once


def test_a_topic_round_trips(servers: Pair) -> None:  # noqa: F811
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    status = posted(
        _api(
            servers.b.url,
            str(bob.access_token),
            "POST",
            "/api/v1/statuses",
            status="Reading #books tonight",
            topic_tag="Book Club",
        )
    )
    assert status["topic_tag"] == "Book Club"
    # Mastodon sees a hashtag it accepts; Weft's term keeps the topic as written.
    document = note_of(status["uri"])
    assert document["topic"] == "Book Club"
    hashtags = sorted(t["name"] for t in document["tag"] if t["type"] == "Hashtag")
    assert hashtags == ["#BookClub", "#books"]

    seen = resolve_status(alice, status["url"])
    assert seen is not None
    assert seen["topic_tag"] == "Book Club"
    assert sorted(t["name"] for t in seen["tags"]) == ["Book Club", "books"]
