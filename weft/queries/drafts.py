"""Reading one's drafts and scheduled posts (weft/actions/drafts.py writes them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.paging import Page, apply, newest_first
from weft.models import MediaAttachment, ScheduledStatus


async def own_drafts(
    session: AsyncSession, author_id: int, page: Page, *, scheduled: bool
) -> list[ScheduledStatus]:
    """The author's scheduled posts (``scheduled``) or drafts, newest first."""
    kept = ScheduledStatus.scheduled_at
    query = select(ScheduledStatus).where(
        ScheduledStatus.account_id == author_id,
        kept.is_not(None) if scheduled else kept.is_(None),
    )
    rows = {r.id: r for r in await session.scalars(apply(query, ScheduledStatus.id, page))}
    return [rows[i] for i in newest_first(list(rows), page)]


async def held_media(
    session: AsyncSession, rows: Sequence[ScheduledStatus]
) -> dict[int, list[MediaAttachment]]:
    """Each row's uploads, in the order its ``media_ids`` name them."""
    wanted = {int(i) for row in rows for i in row.params.get("media_ids") or ()}
    if not wanted:
        return {}
    found = {
        m.id: m
        for m in await session.scalars(
            select(MediaAttachment).where(MediaAttachment.id.in_(wanted))
        )
    }
    held: dict[int, list[MediaAttachment]] = {}
    for row in rows:
        ids = [int(i) for i in row.params.get("media_ids") or ()]
        held[row.id] = [found[i] for i in ids if i in found]
    return held
