"""Reading polls: a page's polls, and which options the viewer chose."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.errors import NotFound
from weft.models import Poll, PollVote
from weft.queries.statuses import visible_status


async def polls_of(session: AsyncSession, status_ids: Collection[int]) -> dict[int, Poll]:
    """The polls of these posts, by post id."""
    if not status_ids:
        return {}
    polls = await session.scalars(select(Poll).where(Poll.status_id.in_(status_ids)))
    return {p.status_id: p for p in polls}


async def own_votes(
    session: AsyncSession, viewer_id: int | None, poll_ids: Collection[int]
) -> dict[int, list[int]]:
    """The viewer's choices in each of these polls they voted in (by poll id)."""
    found: dict[int, list[int]] = {}
    if viewer_id is None or not poll_ids:
        return found
    rows = await session.execute(
        select(PollVote.poll_id, PollVote.choice)
        .where(PollVote.poll_id.in_(poll_ids), PollVote.account_id == viewer_id)
        .order_by(PollVote.choice)
    )
    for poll_id, choice in rows:
        found.setdefault(poll_id, []).append(choice)
    return found


async def visible_poll(session: AsyncSession, viewer_id: int | None, poll_id: int) -> Poll:
    """The poll, or 404 if it does not exist or the viewer may not see its post."""
    poll = await session.get(Poll, poll_id)
    if poll is None:
        raise NotFound()
    await visible_status(session, viewer_id, poll.status_id)
    return poll
