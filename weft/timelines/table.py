"""Home feeds as rows of ``home_feed_entries`` (the embedded default).

Ordered by the primary key ``(account_id, status_id)``, so a page is one index
range. Entries go in with ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` (the
rows in one JSON or array parameter), so a retried fan-out adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Select, bindparam, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from weft.db.by_id import KEY, RowsById
from weft.db.paging import Page, apply, newest_first
from weft.models import HomeFeedEntry, Status
from weft.timelines.home import BATCH, FeedEntry, FeedRows

if TYPE_CHECKING:
    from weft.db.database import Database

_NO_BOUND = 2**63 - 1


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
        query = select(HomeFeedEntry.status_id).where(HomeFeedEntry.account_id == account_id)
        ids = list(await session.scalars(apply(query, HomeFeedEntry.status_id, page)))
        return newest_first(ids, page)

    async def page_rows(
        self, db: Database, account_id: int, page: Page, posts: RowsById
    ) -> FeedRows:
        # The entries and their posts' rows in one statement. Entries cascade
        # with their posts, so every id read has its row.
        bounds = {
            KEY: account_id,
            "below": page.max_id if page.max_id is not None else _NO_BOUND,
            "above": max(page.since_id or 0, page.min_id or 0),
            "limit": page.limit,
        }
        rows = list(await db.rows(_in_feed(posts, page.ascending), posts.shared() | bounds))
        if page.ascending:
            rows.reverse()
        return FeedRows(rows, [row[0] for row in rows])


@cache
def _in_feed(posts: RowsById, ascending: bool) -> Select[Any]:
    """``posts`` joined to a page of the feed's entries: built once for each
    (a statement's construction costs more than its run on SQLite)."""
    order = HomeFeedEntry.status_id.asc() if ascending else HomeFeedEntry.status_id.desc()
    owner: BindParameter[int] = bindparam(KEY)
    return (
        posts.build(owner)
        .join(HomeFeedEntry, HomeFeedEntry.status_id == posts.id_column)
        .where(
            HomeFeedEntry.account_id == owner,
            HomeFeedEntry.status_id < bindparam("below"),
            HomeFeedEntry.status_id > bindparam("above"),
        )
        .order_by(order)
        .limit(bindparam("limit"))
    )


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


# One statement whatever the batch's size, its rows in one parameter: a
# multi-row VALUES of 1,000 rows (3,000 parameters) was compiled again for
# every fan-out, most of a 1,000-follower fan-out's time (benchmark d).
_INSERT_SQLITE = text(
    "INSERT INTO home_feed_entries (account_id, status_id, reblog_of_id) "
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]') FROM json_each(:rows) WHERE true "  # WHERE: SQLite's upsert
    "ON CONFLICT DO NOTHING"
)
_INSERT_POSTGRESQL = text(
    "INSERT INTO home_feed_entries (account_id, status_id, reblog_of_id) "
    "SELECT * FROM unnest(CAST(:accounts AS BIGINT[]), CAST(:statuses AS BIGINT[]), "
    "CAST(:reblogs AS BIGINT[])) "
    "ON CONFLICT DO NOTHING"
)


async def _insert_ignore_many(session: AsyncSession, entries: Sequence[FeedEntry]) -> int:
    if session.get_bind().dialect.name == "postgresql":
        result = await session.execute(
            _INSERT_POSTGRESQL,
            {
                "accounts": [e.account_id for e in entries],
                "statuses": [e.status_id for e in entries],
                "reblogs": [e.reblog_of_id for e in entries],
            },
        )
    else:
        rows = [[e.account_id, e.status_id, e.reblog_of_id] for e in entries]
        result = await session.execute(_INSERT_SQLITE, {"rows": orjson.dumps(rows).decode()})
    return int(result.rowcount)  # type: ignore[attr-defined]
