"""Outbox, followers, following and featured as ``OrderedCollection``s.

A collection answers its size and a link to its ``first`` page; pages are
``?page=true`` with ``max_id`` as the cursor, as Mastodon's outbox does.
"""

from __future__ import annotations

from typing import Any

from weft.config import Settings
from weft.federation.actors import AS_CONTEXT, CONTEXT, actor_uri, iso
from weft.federation.loading import OutboxPage
from weft.federation.notes import addressing, note, note_uri
from weft.models import Account, Status


def collection(uri: str, total: int, *, paged: bool = True) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": uri,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if paged:
        document["first"] = f"{uri}?page=true"
    return document


def collection_page(
    uri: str, page_uri: str, items: list[Any], next_max_id: int | None, *, context: Any = AS_CONTEXT
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": context,
        "id": page_uri,
        "type": "OrderedCollectionPage",
        "partOf": uri,
        "orderedItems": items,
    }
    if next_max_id is not None:
        document["next"] = f"{uri}?page=true&max_id={next_max_id}"
    return document


def outbox_items(page: OutboxPage, settings: Settings) -> list[dict[str, Any]]:
    return [_activity(status, page, settings) for status in page.items]


def _activity(status: Status, page: OutboxPage, settings: Settings) -> dict[str, Any]:
    bundle = page.sources.bundle
    author = bundle.author(status)
    uri = note_uri(status, author, settings)
    to, cc = addressing(status, author, [], settings)
    activity: dict[str, Any] = {
        "id": f"{uri}/activity",
        "type": "Create",
        "actor": actor_uri(author, settings),
        "published": iso(status.created_at),
        "to": to,
        "cc": cc,
    }
    if status.reblog_of_id is not None:
        original = bundle.statuses[status.reblog_of_id]
        activity["type"] = "Announce"
        activity["object"] = note_uri(original, bundle.author(original), settings)
    else:
        created = note(status, page.sources, settings)
        activity["to"], activity["cc"] = created["to"], created["cc"]
        activity["object"] = created
    return activity


def featured_collection(uri: str, page: OutboxPage, settings: Settings) -> dict[str, Any]:
    items = [note(status, page.sources, settings) for status in page.items]
    return {
        "@context": CONTEXT,
        "id": uri,
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
    }


def account_uris(accounts: list[Account], settings: Settings) -> list[str]:
    return [actor_uri(a, settings) for a in accounts]
