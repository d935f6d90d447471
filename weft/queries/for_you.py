"""For You: recent public posts from people the viewer does not follow, ranked.

Following (the home timeline) already shows the people one follows and what
they repost, so For You leaves all of that out, with the viewer's own posts
and anyone they block, are blocked by, or mute. What is left is ranked by
engagement with a time decay, as Hacker News ranks stories:

    score = (1 + likes + 2 * reposts + 2 * replies + 3 * quotes) / (hours + 2) ^ 1.5

so a post needs more engagement to stay up the older it gets. Candidates are
the week's top-level public posts: the ``POOL`` newest and the ``POOL`` most
engaged (two index-bounded queries whatever the week's volume), ranked here.
Pages are offsets into that ranking; the policies then check each page as
every other timeline does (``visible_page``), so nothing the API would hide
shows up here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CompoundSelect, Select, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.ids import created_at, min_id_at
from weft.models import Block, Follow, Mute, Status
from weft.models.base import utcnow
from weft.queries.timelines import StatusPage, visible_page

WINDOW = timedelta(days=7)
POOL = 500
GRAVITY = 1.5
MAX_OFFSET = 2 * POOL


@dataclass(frozen=True)
class ForYouPage:
    page: StatusPage
    next_offset: int | None  # None when the ranking has no more


@dataclass(frozen=True)
class Candidate:
    id: int
    favourites: int
    reblogs: int
    replies: int
    quotes: int

    def score(self, now: datetime) -> float:
        hours = max(0.0, (now - created_at(self.id)).total_seconds() / 3600)
        engagement = 1 + self.favourites + 2 * self.reblogs + 2 * self.replies + 3 * self.quotes
        return float(engagement / (hours + 2) ** GRAVITY)


async def for_you(db: Database, viewer_id: int, offset: int = 0, limit: int = 20) -> ForYouPage:
    """One page of the viewer's For You ranking, starting ``offset`` posts in."""
    offset = min(max(offset, 0), MAX_OFFSET)
    now = utcnow()
    async with db.read() as session:
        ranked = await _ranked(session, viewer_id, now)
        ids = ranked[offset : offset + limit]
        page = await visible_page(session, viewer_id, ids, hide_muted=True)
    exhausted = offset + limit >= len(ranked)
    return ForYouPage(page, None if exhausted else offset + limit)


async def _ranked(session: AsyncSession, viewer_id: int, now: datetime) -> list[int]:
    """Candidate ids, best first (ties: newest first)."""
    base = _candidates(viewer_id, now)
    engagement = (
        Status.favourites_count
        + 2 * Status.reblogs_count
        + 2 * Status.replies_count
        + 3 * Status.quotes_count
    )
    newest = base.order_by(Status.id.desc()).limit(POOL)
    engaged = base.order_by(engagement.desc(), Status.id.desc()).limit(POOL)
    rows: dict[int, Candidate] = {}
    for query in (newest, engaged):
        for row in await session.execute(query):
            rows[row.id] = Candidate(row[0], row[1], row[2], row[3], row[4])
    return [c.id for c in sorted(rows.values(), key=lambda c: (-c.score(now), -c.id))]


def _candidates(viewer_id: int, now: datetime) -> Select[int, int, int, int, int]:
    columns = (
        Status.id,
        Status.favourites_count,
        Status.reblogs_count,
        Status.replies_count,
        Status.quotes_count,
    )
    return select(*columns).where(
        Status.id >= min_id_at(now - WINDOW),
        Status.visibility == "public",
        Status.reblog_of_id.is_(None),
        or_(Status.in_reply_to_id.is_(None), Status.in_reply_to_account_id == Status.account_id),
        Status.account_id != viewer_id,
        Status.account_id.not_in(_left_out_authors(viewer_id, now)),
        Status.id.not_in(_reposted_by_followed(viewer_id)),
    )


def _followed(viewer_id: int) -> Select[int]:
    return select(Follow.target_account_id).where(Follow.account_id == viewer_id)


def _left_out_authors(viewer_id: int, now: datetime) -> CompoundSelect[int]:
    """Followed (Following shows them), blocked either way, or muted."""
    return union(
        _followed(viewer_id),
        select(Block.target_account_id).where(Block.account_id == viewer_id),
        select(Block.account_id).where(Block.target_account_id == viewer_id),
        select(Mute.target_account_id).where(
            Mute.account_id == viewer_id, or_(Mute.expires_at.is_(None), Mute.expires_at > now)
        ),
    )


def _reposted_by_followed(viewer_id: int) -> Select[int | None]:
    """Posts someone the viewer follows reposted: Following shows those too."""
    return select(Status.reblog_of_id).where(
        Status.account_id.in_(_followed(viewer_id)), Status.reblog_of_id.is_not(None)
    )
