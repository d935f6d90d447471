"""Mastodon's pagination: ``max_id``, ``since_id``, ``min_id``, ``limit`` and Link headers.

- ``max_id``: older than this id (exclusive); the next page.
- ``since_id``: newer than this id, newest first (what is new since).
- ``min_id``: newer than this id, the ones just after it (the previous page).
The ids are of whatever the list is ordered by (a like's id for favourites,
a notification's id for notifications), which is why ``apply`` takes the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from weft.errors import Invalid

T = TypeVar("T", bound=tuple[Any, ...])
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Page:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 20

    @property
    def ascending(self) -> bool:
        """With only ``min_id``, take the oldest after it (then show newest first)."""
        return self.min_id is not None and self.since_id is None


def _cursor(name: str, value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or int(value) > MAX_ID:
        raise Invalid(name, "must be an id")
    return int(value)


def page_of(request: Request, default: int = 20, maximum: int = 40) -> Page:
    """The page a request asks for; ``limit`` is clamped to ``maximum``, as Mastodon does."""
    query = request.query_params
    raw_limit = query.get("limit")
    limit = default
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
        except ValueError:
            raise Invalid("limit", "must be a number") from None
    return Page(
        max_id=_cursor("max_id", query.get("max_id")),
        since_id=_cursor("since_id", query.get("since_id")),
        min_id=_cursor("min_id", query.get("min_id")),
        limit=max(1, min(limit, maximum)),
    )


def apply(query: Select[T], column: InstrumentedAttribute[int], page: Page) -> Select[T]:
    """Bound and order ``query`` by ``column`` for ``page`` (fetches ``limit`` rows)."""
    if page.max_id is not None:
        query = query.where(column < page.max_id)
    if page.since_id is not None:
        query = query.where(column > page.since_id)
    if page.min_id is not None:
        query = query.where(column > page.min_id)
    order = column.asc() if page.ascending else column.desc()
    return query.order_by(order).limit(page.limit)


def newest_first(ids: list[int], page: Page) -> list[int]:
    return list(reversed(ids)) if page.ascending else ids


def link_header(request: Request, cursors: list[int]) -> str | None:
    """``Link`` with rel=next (older) and rel=prev (newer) for a page whose
    cursors, newest first, are ``cursors``."""
    if not cursors:
        return None
    base = str(request.url.replace(query=""))
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in _CURSORS]
    older = urlencode([*kept, ("max_id", str(cursors[-1]))])
    newer = urlencode([*kept, ("min_id", str(cursors[0]))])
    return f'<{base}?{older}>; rel="next", <{base}?{newer}>; rel="prev"'


_CURSORS = {"max_id", "since_id", "min_id"}
