"""Which posts belong in whose home feed: the one rule fan-out, merge and
rebuild share, so a feed built any of these ways holds the same posts.

A post goes to its author and to the author's local followers (and a
public post to the local followers of its hashtags and topic, at fan-out
only: a rebuilt feed holds the followed people's posts); a repost only
to followers who take reposts (``show_reblogs``); a direct post only to the
mentioned people among the followers (as Mastodon does). Blocks and mutes are
not decided here: they can change after the fact, so reading filters again.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.models import Account, Follow, FollowedTag, Mention, Status, StatusTag
from weft.timelines.home import FeedEntry

# Posts a new follow brings into the follower's feed (Mastodon merges about as many).
MERGE_LIMIT = 200
# How far back unfollowing a tag looks for the posts it brought (a feed keeps
# about as many: weft/timelines/redis.py's cap).
UNMERGE_LIMIT = 1000


async def recipients(session: AsyncSession, status: Status) -> list[int]:
    """Local accounts whose home feed gets ``status``: the author and followers."""
    query = (
        select(Follow.account_id)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == status.account_id, Account.domain.is_(None))
    )
    if status.reblog_of_id is not None:
        query = query.where(Follow.show_reblogs.is_(True))
    if status.visibility == "direct":
        mentioned = select(Mention.account_id).where(Mention.status_id == status.id)
        query = query.where(Follow.account_id.in_(mentioned))
    followers = list(await session.scalars(query))
    followers = list(dict.fromkeys([*followers, *await _tag_followers(session, status)]))
    author_is_local = await session.scalar(
        select(Account.id).where(Account.id == status.account_id, Account.domain.is_(None))
    )
    return [status.account_id, *followers] if author_is_local else followers


async def _tag_followers(session: AsyncSession, status: Status) -> list[int]:
    """Local people who follow one of a public post's hashtags or its topic
    (weft/actions/topics.py); one indexed probe, and none for other posts."""
    if status.visibility != "public" or status.reblog_of_id is not None:
        return []
    tagged = select(StatusTag.tag_id).where(StatusTag.status_id == status.id)
    query = (
        select(FollowedTag.account_id)
        .join(Account, Account.id == FollowedTag.account_id)
        .where(FollowedTag.tag_id.in_(tagged), Account.domain.is_(None))
        .distinct()
    )
    return [a for a in await session.scalars(query) if a != status.account_id]


def entries_of(account_id: int, statuses: Sequence[Status]) -> list[FeedEntry]:
    return [FeedEntry(account_id, s.id, s.reblog_of_id) for s in statuses]


async def merge_entries(
    session: AsyncSession, account_id: int, target_id: int, limit: int = MERGE_LIMIT
) -> list[FeedEntry]:
    """``target_id``'s recent posts for ``account_id``, who now follows them."""
    follow = await session.scalar(
        select(Follow).where(Follow.account_id == account_id, Follow.target_account_id == target_id)
    )
    if follow is None:
        return []  # unfollowed before the job ran
    query = select(Status).where(Status.account_id == target_id)
    if not follow.show_reblogs:
        query = query.where(Status.reblog_of_id.is_(None))
    statuses = await _for_reader(session, account_id, query.order_by(Status.id.desc()), limit)
    return entries_of(account_id, statuses)


async def tag_merge_entries(
    session: AsyncSession, account_id: int, tag_id: int, limit: int = MERGE_LIMIT
) -> list[FeedEntry]:
    """The tag's recent public posts for ``account_id``, who now follows it
    (what fan-out would have brought them: ``_tag_followers``)."""
    follows = await session.scalar(
        select(FollowedTag.id).where(
            FollowedTag.account_id == account_id, FollowedTag.tag_id == tag_id
        )
    )
    if follows is None:
        return []  # unfollowed before the job ran
    tagged = select(StatusTag.status_id).where(StatusTag.tag_id == tag_id)
    query = (
        select(Status)
        .where(
            Status.id.in_(tagged),
            Status.visibility == "public",
            Status.reblog_of_id.is_(None),
            Status.archived_at.is_(None),
        )
        .order_by(Status.id.desc())
    )
    return entries_of(account_id, await _for_reader(session, account_id, query, limit))


async def tag_only_ids(
    session: AsyncSession, account_id: int, tag_id: int, limit: int = UNMERGE_LIMIT
) -> list[int]:
    """The tag's recent posts that are in ``account_id``'s feed only through
    it: not their own, by nobody they follow, with no other tag they follow."""
    followed = select(Follow.target_account_id).where(Follow.account_id == account_id)
    other_tags = select(FollowedTag.tag_id).where(
        FollowedTag.account_id == account_id, FollowedTag.tag_id != tag_id
    )
    through_other_tag = select(StatusTag.status_id).where(StatusTag.tag_id.in_(other_tags))
    tagged = select(StatusTag.status_id).where(StatusTag.tag_id == tag_id)
    query = (
        select(Status.id)
        .where(
            Status.id.in_(tagged),
            Status.account_id != account_id,
            Status.account_id.not_in(followed),
            Status.id.not_in(through_other_tag),
        )
        .order_by(Status.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))


async def rebuild_entries(session: AsyncSession, account_id: int, limit: int) -> list[FeedEntry]:
    """A feed from scratch: the recent posts of people ``account_id`` follows,
    their own, and the public posts of the hashtags and topics they follow
    (what fan-out and ``tag_merge_entries`` bring)."""
    followed = select(Follow.target_account_id).where(Follow.account_id == account_id)
    hiding_reblogs = select(Follow.target_account_id).where(
        Follow.account_id == account_id, Follow.show_reblogs.is_(False)
    )
    followed_tags = select(FollowedTag.tag_id).where(FollowedTag.account_id == account_id)
    tagged = select(StatusTag.status_id).where(StatusTag.tag_id.in_(followed_tags))
    query = (
        select(Status)
        .where(
            or_(
                and_(
                    or_(Status.account_id == account_id, Status.account_id.in_(followed)),
                    or_(Status.reblog_of_id.is_(None), Status.account_id.not_in(hiding_reblogs)),
                ),
                and_(
                    Status.id.in_(tagged),
                    Status.visibility == "public",
                    Status.reblog_of_id.is_(None),
                    Status.archived_at.is_(None),
                ),
            )
        )
        .order_by(Status.id.desc())
    )
    return entries_of(account_id, await _for_reader(session, account_id, query, limit))


async def _for_reader(
    session: AsyncSession, account_id: int, query: Select[Status], limit: int
) -> list[Status]:
    """The posts of ``query`` (newest first, up to ``limit``) that may go to
    ``account_id``'s feed, oldest first (so the first repost of a post wins)."""
    statuses = list(await session.scalars(query.limit(limit)))
    direct = [s.id for s in statuses if s.visibility == "direct" and s.account_id != account_id]
    mentioned: set[int] = set()
    if direct:
        mentioned = set(
            await session.scalars(
                select(Mention.status_id).where(
                    Mention.account_id == account_id, Mention.status_id.in_(direct)
                )
            )
        )
    kept = [
        s
        for s in statuses
        if s.visibility != "direct" or s.account_id == account_id or s.id in mentioned
    ]
    return list(reversed(kept))
