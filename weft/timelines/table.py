"""Home feeds as rows of ``home_feed_entries`` (the embedded default).

Ordered by the primary key ``(account_id, status_id)``, so a page is one index
range. Entries go in with multi-row ``INSERT ... ON CONFLICT DO NOTHING``, so a
retried fan-out adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.paging import Page, apply, newest_first
from weft.models import HomeFeedEntry, Status
from weft.timelines.home import BATCH, FeedEntry


class TableHomeFeed:
    async def add(self, session: AsyncSession, entries: Sequence[FeedEntry]) -> int:
        added = 0
        for start in range(0, len(entries), BATCH):
            batch = entries[start : start + BATCH]
            fresh = await _without_seen_reblogs(session, batch)
            if fresh:
                added += await _insert_ignore_many(session, fresh)
        return added

    async def remove(
        self, session: AsyncSession, account_id: int, status_ids: Sequence[int]
    ) -> None:
        if status_ids:
            await session.execute(
                delete(HomeFeedEntry).where(
                    HomeFeedEntry.account_id == account_id,
                    HomeFeedEntry.status_id.in_(status_ids),
                )
            )

    async def remove_everywhere(
        self, session: AsyncSession, status_id: int, account_ids: Sequence[int]
    ) -> None:
        # Every feed, not only ``account_ids``: the table knows where the post is.
        await session.execute(delete(HomeFeedEntry).where(HomeFeedEntry.status_id == status_id))

    async def remove_author(self, session: AsyncSession, account_id: int, author_id: int) -> None:
        authored = select(Status.id).where(Status.account_id == author_id)
        await session.execute(
            delete(HomeFeedEntry).where(
                HomeFeedEntry.account_id == account_id, HomeFeedEntry.status_id.in_(authored)
            )
        )

    async def page(self, session: AsyncSession, account_id: int, page: Page) -> list[int]:
        ids = list(await session.scalars(self.page_query(account_id, page)))
        return newest_first(ids, page)

    def page_query(self, account_id: int, page: Page) -> Select[int]:
        """The ids of a page, as a query (to use as a subquery: entries cascade
        with their posts, so every id read is a post that exists)."""
        query = select(HomeFeedEntry.status_id).where(HomeFeedEntry.account_id == account_id)
        return apply(query, HomeFeedEntry.status_id, page)


async def _without_seen_reblogs(
    session: AsyncSession, entries: Sequence[FeedEntry]
) -> list[FeedEntry]:
    """Drop reposts whose original is already in that feed, as itself or as
    another repost (one statement per batch), and repeats within the batch."""
    originals = {e.reblog_of_id for e in entries if e.reblog_of_id is not None}
    seen: set[tuple[int, int]] = set()
    if originals:
        accounts = {e.account_id for e in entries if e.reblog_of_id is not None}
        reposts = select(Status.id).where(Status.reblog_of_id.in_(originals))
        rows = await session.execute(
            select(
                HomeFeedEntry.account_id,
                func.coalesce(HomeFeedEntry.reblog_of_id, HomeFeedEntry.status_id),
            ).where(
                HomeFeedEntry.account_id.in_(accounts),
                HomeFeedEntry.status_id.in_(originals) | HomeFeedEntry.status_id.in_(reposts),
            )
        )
        seen = {(account, original) for account, original in rows}
    fresh = []
    for entry in entries:
        if entry.reblog_of_id is not None:
            key = (entry.account_id, entry.reblog_of_id)
            if key in seen:
                continue
            seen.add(key)
        fresh.append(entry)
    return fresh


async def _insert_ignore_many(session: AsyncSession, entries: Sequence[FeedEntry]) -> int:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [
        {"account_id": e.account_id, "status_id": e.status_id, "reblog_of_id": e.reblog_of_id}
        for e in entries
    ]
    result = await session.execute(insert(HomeFeedEntry).values(rows).on_conflict_do_nothing())
    return int(result.rowcount)  # type: ignore[attr-defined]
