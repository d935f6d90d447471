"""Calls of the chat API for the tests (real HTTP)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Person

CHATS = "/api/weft/v1/chats"


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, field: str, words: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    error: str = response.json()["error"]
    assert error.startswith(f"Validation failed: {field} "), error
    assert words in error, error


def start(client: httpx.Client, me: Person, *others: Person, name: str | None = None) -> Any:
    data: dict[str, Any] = {"account_ids": [str(o.account_id) for o in others]}
    if name is not None:
        data["name"] = name
    return client.post(CHATS, json=data, headers=me.auth)


def send(client: httpx.Client, me: Person, chat_id: str, text: str, **extra: Any) -> Any:
    return client.post(f"{CHATS}/{chat_id}/messages", json={"text": text, **extra}, headers=me.auth)


def texts(client: httpx.Client, me: Person, chat_id: str) -> list[str]:
    return [m["text"] for m in ok(client.get(f"{CHATS}/{chat_id}/messages", headers=me.auth))]


def folder(client: httpx.Client, me: Person, name: str) -> list[str]:
    found = ok(client.get(CHATS, params={"folder": name}, headers=me.auth))
    return [c["id"] for c in found]
