"""Spoilers: ranges of a post's text hidden until tapped, and media blurred.

Threads' ``text_entities`` (``[{"entity_type": "spoiler", "offset": n,
"length": n}]``, offsets and lengths in code points of the text as written)
and ``is_spoiler_media``. The ranges are checked here against the text; the
renderer marks them in the HTML (``weft.text.render``); other servers that
don't know them get a content warning (``weft.federation.notes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from weft import limits
from weft.errors import Invalid

FIELD = "text_entities"
SPOILER = "spoiler"


@dataclass(frozen=True)
class SpoilerRange:
    offset: int
    length: int

    @property
    def end(self) -> int:
        return self.offset + self.length

    def stored(self) -> dict[str, Any]:
        return {"entity_type": SPOILER, "offset": self.offset, "length": self.length}


def read_ranges(raw: Sequence[Any]) -> tuple[SpoilerRange, ...]:
    """Entities as a client sent them (already a list): each must be a spoiler
    with whole-number ``offset`` and ``length``; else a 422 naming it."""
    if len(raw) > limits.MAX_SPOILER_RANGES:
        raise Invalid(FIELD, f"can hold at most {limits.MAX_SPOILER_RANGES} spoiler ranges")
    ranges = []
    for index, item in enumerate(raw):
        name = f"{FIELD}[{index}]"
        if not isinstance(item, dict):
            raise Invalid(name, "must be an object with entity_type, offset and length")
        kind = item.get("entity_type")
        if not isinstance(kind, str) or kind.lower() != SPOILER:
            raise Invalid(name, "entity_type must be spoiler")
        offset, length = _whole(item.get("offset")), _whole(item.get("length"))
        if offset is None or offset < 0:
            raise Invalid(name, "offset must be a whole number, 0 or more")
        if length is None or length < 1:
            raise Invalid(name, "length must be a whole number, 1 or more")
        ranges.append(SpoilerRange(offset, length))
    return tuple(ranges)


def check_ranges(text: str, ranges: Sequence[SpoilerRange]) -> None:
    """At most ten ranges, every one within ``text``, none overlapping another."""
    if len(ranges) > limits.MAX_SPOILER_RANGES:
        raise Invalid(FIELD, f"can hold at most {limits.MAX_SPOILER_RANGES} spoiler ranges")
    for index, spoiler in enumerate(ranges):
        if spoiler.end > len(text):
            raise Invalid(
                f"{FIELD}[{index}]",
                f"offset {spoiler.offset} and length {spoiler.length} go past the end "
                f"of the text ({len(text)} characters)",
            )
    ordered = sorted(enumerate(ranges), key=lambda pair: pair[1].offset)
    for (first, a), (second, b) in pairwise(ordered):
        if b.offset < a.end:
            index, other = max(first, second), min(first, second)
            raise Invalid(f"{FIELD}[{index}]", f"overlaps {FIELD}[{other}]")


def stored_ranges(ranges: Sequence[SpoilerRange]) -> list[dict[str, Any]]:
    return [r.stored() for r in sorted(ranges, key=lambda r: r.offset)]


def ranges_of(stored: Sequence[Any]) -> tuple[SpoilerRange, ...]:
    """A post's stored ranges (as ``stored_ranges`` wrote them)."""
    return tuple(SpoilerRange(int(e["offset"]), int(e["length"])) for e in stored)


def still_fitting(text: str, stored: Sequence[Any]) -> list[dict[str, Any]]:
    """An edited text keeps the ranges that still lie within it."""
    return [e for e in stored if int(e["offset"]) + int(e["length"]) <= len(text)]


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    return None


def check_spoilers(
    text: str, ranges: Sequence[SpoilerRange], spoiler_media: bool, has_media: bool
) -> None:
    """A draft's spoilers: ranges within its text; a media spoiler needs media."""
    check_ranges(text, ranges)
    if spoiler_media and not has_media:
        raise Invalid("is_spoiler_media", "needs media_ids: a post without media has none to hide")
