"""A page of a list ordered by id, as Mastodon pages: ``max_id``, ``since_id``, ``min_id``.

- ``max_id``: older than this id (exclusive); the next page.
- ``since_id``: newer than this id, newest first (what is new since).
- ``min_id``: newer than this id, the ones just after it (the previous page).
The ids are of whatever the list is ordered by (a like's id for favourites,
a notification's id for notifications), which is why ``apply`` takes the column.
The API reads a Page from a request (weft/api/pagination.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

Ts = TypeVarTuple("Ts")

# The largest integer a BIGINT (PostgreSQL) or an INTEGER (SQLite) holds: every
# paging number from a request (ids, offsets) is refused past it where it is
# read, or the database driver fails to bind it.
MAX_SQL_INTEGER = 2**63 - 1


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


def apply(query: Select[*Ts], column: InstrumentedAttribute[int] | Any, page: Page) -> Select[*Ts]:
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
