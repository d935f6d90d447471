"""Threads' rich posts in a ``Note``: spoilers (and, below, what else Weft adds).

Weft servers read our own terms back (``textEntities``, ``spoilerMedia``:
``https://w3id.org/weft/ns#``); every other server gets the closest thing it
knows: a post with text spoilers carries a content warning (``summary``,
``SPOILER_SUMMARY`` unless the author wrote one), so Mastodon does not show
them in the clear, and a media spoiler is ``sensitive``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from weft import limits
from weft.actions.spoilers import SPOILER
from weft.models import Status

SPOILER_SUMMARY = "Spoilers"


def rich_fields(status: Status) -> dict[str, Any]:
    """The Note's fields for ``status``'s spoilers."""
    fields: dict[str, Any] = {}
    if status.text_entities:
        fields["textEntities"] = [
            {"type": SPOILER, "offset": e["offset"], "length": e["length"]}
            for e in status.text_entities
        ]
        if not status.spoiler_text:
            fields["summary"] = SPOILER_SUMMARY
    if status.is_spoiler_media:
        fields["spoilerMedia"] = True
    return fields


@dataclass(frozen=True)
class RichRead:
    """What a Note's Weft terms say, checked; ``spoiler_text`` is the content
    warning once our own stand-in for spoilers is taken out."""

    spoiler_text: str
    text_entities: list[dict[str, Any]]
    is_spoiler_media: bool


def read_rich(document: Mapping[str, Any], spoiler_text: str) -> RichRead:
    entities = _entities(document.get("textEntities"))
    if entities and spoiler_text == SPOILER_SUMMARY:
        spoiler_text = ""
    return RichRead(
        spoiler_text=spoiler_text,
        text_entities=entities,
        is_spoiler_media=document.get("spoilerMedia") is True,
    )


def _entities(raw: Any) -> list[dict[str, Any]]:
    """Spoiler ranges as another Weft server sent them; anything malformed
    drops them all (the content's own marks still hide the text)."""
    if not isinstance(raw, list) or len(raw) > limits.MAX_SPOILER_RANGES:
        return []
    entities = []
    for item in raw:
        if not isinstance(item, Mapping) or item.get("type") != SPOILER:
            return []
        offset, length = _whole(item.get("offset")), _whole(item.get("length"))
        if offset is None or length is None or offset < 0 or length < 1:
            return []
        entities.append({"entity_type": SPOILER, "offset": offset, "length": length})
    return sorted(entities, key=lambda e: int(e["offset"]))


def _whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value < 2**31:
        return value
    return None
