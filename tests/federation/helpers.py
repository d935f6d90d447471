"""Shared bits of the discovery and actor-document tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Person

AS = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}
HTML = {"Accept": "text/html,application/xhtml+xml"}
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def post(client: httpx.Client, person: Person, **data: Any) -> dict[str, Any]:
    response = client.post("/api/v1/statuses", headers=person.auth, data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def fetch(client: httpx.Client, path: str, headers: dict[str, str] = AS) -> dict[str, Any]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/activity+json"
    body: dict[str, Any] = response.json()
    return body
