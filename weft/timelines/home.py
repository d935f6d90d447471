"""The home-feed store: which post ids are in whose home timeline.

Two backends answer the same small interface: ``TableHomeFeed`` (rows in
``home_feed_entries``, the embedded default) and ``RedisHomeFeed`` (one sorted
set per person, capped). The store only keeps ids in order; who may see what
is decided again when a page is read (docs/decisions/0006-home-timelines.md).

>>> entry = FeedEntry(account_id=1, status_id=42, reblog_of_id=None)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.by_id import Row, RowsById
from weft.db.paging import Page

if TYPE_CHECKING:
    from weft.db.database import Database

# Rows per INSERT (or per Redis pipeline) when one post goes to many feeds.
BATCH = 1000


@dataclass(frozen=True)
class FeedEntry:
    """Post ``status_id`` in ``account_id``'s feed; a repost names its original."""

    account_id: int
    status_id: int
    reblog_of_id: int | None = None


@dataclass(frozen=True, slots=True)
class FeedRows:
    """A page read with its posts' rows: ``rows`` of the posts that exist and
    ``ids``, every id the feed gave (a post gone since still moves the Link
    cursors past it), both newest first."""

    rows: list[Row]
    ids: list[int]


class HomeFeed(Protocol):
    async def add(self, session: AsyncSession, entries: Sequence[FeedEntry]) -> int:
        """Add entries that are not there yet; a repost of a post already in a
        feed (as itself or through another repost) is left out. Returns how many
        were added. Idempotent."""
        ...

    async def remove(
        self, session: AsyncSession, account_id: int, status_ids: Sequence[int]
    ) -> None:
        """Take these posts out of one person's feed."""
        ...

    async def remove_everywhere(
        self, session: AsyncSession, status_id: int, account_ids: Sequence[int]
    ) -> None:
        """Take one post out of the feeds of ``account_ids`` (those it was fanned out to)."""
        ...

    async def remove_author(self, session: AsyncSession, account_id: int, author_id: int) -> None:
        """Take everything ``author_id`` posted or reposted out of one person's feed."""
        ...

    async def page(self, session: AsyncSession, account_id: int, page: Page) -> list[int]:
        """Up to ``page.limit`` status ids, newest first, within the page's bounds."""
        ...

    async def page_rows(
        self, db: Database, account_id: int, page: Page, posts: RowsById
    ) -> FeedRows:
        """The page with each post's row of ``posts`` (keyed by ``account_id``):
        the home timeline's fast path, in as few round trips as the store
        allows, outside any session (a feed to rebuild first opens its own)."""
        ...
