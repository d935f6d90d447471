"""For You: recent public posts from people the viewer does not follow, ranked.

Following (the home timeline) already shows the people one follows and what
they repost, so For You leaves all of that out, with the viewer's own posts
and anyone they block, are blocked by, or mute. What is left is ranked by
engagement with a time decay, as Hacker News ranks stories:

    score = (1 + likes + 2 * reposts + 2 * replies + 3 * quotes) / (hours + 2) ^ 1.5

so a post needs more engagement to stay up the older it gets. Candidates are
the week's top-level public posts: the ``POOL`` newest and the ``POOL`` most
engaged (two index-bounded queries whatever the week's volume), ranked here.
A page is the best of the ranking leaving out the posts already shown (the
caller passes their ids back): the ranking moves between two loads (a post
gets likes, time passes), so an offset into it could repeat a post that
moved up; leaving out what was shown never does. At most ``MAX_SEEN`` posts
are paged through (the ids travel in the next page's link). The policies then
check each page as every other timeline does (``visible_page``), so nothing
the API would hide shows up here.
"""

from __future__ import annotations

from collections.abc import Collection
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
# How many posts one can page through: their ids travel in the next page's link.
MAX_SEEN = 400


@dataclass(frozen=True)
class ForYouPage:
    page: StatusPage
    # The ids to pass as ``seen`` for the next page (those shown so far, this
    # page's included); None when the ranking has no more or MAX_SEEN is reached.
    next_seen: list[int] | None


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


async def for_you(
    db: Database, viewer_id: int, seen: Collection[int] = (), limit: int = 20
) -> ForYouPage:
    """One page of the viewer's For You ranking: the best ``limit`` posts not in
    ``seen`` (the ids of the pages already shown)."""
    shown = list(dict.fromkeys(seen))[:MAX_SEEN]
    left_out = set(shown)
    now = utcnow()
    async with db.read() as session:
        ranked = [i for i in await _ranked(session, viewer_id, now) if i not in left_out]
        ids = ranked[: min(limit, MAX_SEEN - len(shown))]
        page = await visible_page(session, viewer_id, ids, hide_muted=True)
    shown += ids
    exhausted = len(ids) >= len(ranked) or len(shown) >= MAX_SEEN
    return ForYouPage(page, None if exhausted else shown)


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
