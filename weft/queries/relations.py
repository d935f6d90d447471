"""Loading what the policies need, in a fixed number of queries per page."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.models import Block, Follow, FollowRequest, Mention, Mute, Status
from weft.models.base import utcnow
from weft.policies.statuses import NONE, PostAccess, Relation


async def relations(
    session: AsyncSession, viewer_id: int | None, account_ids: Iterable[int]
) -> dict[int, Relation]:
    """The viewer's relation with each of ``account_ids`` (five queries, any count)."""
    ids = set(account_ids)
    if viewer_id is None or not ids:
        return {}
    ids.discard(viewer_id)
    if not ids:
        return {}
    following = set(
        await session.scalars(
            select(Follow.target_account_id).where(
                Follow.account_id == viewer_id, Follow.target_account_id.in_(ids)
            )
        )
    )
    followed_by = set(
        await session.scalars(
            select(Follow.account_id).where(
                Follow.target_account_id == viewer_id, Follow.account_id.in_(ids)
            )
        )
    )
    blocks = (
        await session.execute(
            select(Block.account_id, Block.target_account_id).where(
                or_(
                    (Block.account_id == viewer_id) & Block.target_account_id.in_(ids),
                    (Block.target_account_id == viewer_id) & Block.account_id.in_(ids),
                )
            )
        )
    ).all()
    blocking = {target for owner, target in blocks if owner == viewer_id}
    blocked_by = {owner for owner, target in blocks if target == viewer_id}
    now = utcnow()
    muting = set(
        await session.scalars(
            select(Mute.target_account_id).where(
                Mute.account_id == viewer_id,
                Mute.target_account_id.in_(ids),
                or_(Mute.expires_at.is_(None), Mute.expires_at > now),
            )
        )
    )
    requested = set(
        await session.scalars(
            select(FollowRequest.target_account_id).where(
                FollowRequest.account_id == viewer_id, FollowRequest.target_account_id.in_(ids)
            )
        )
    )
    return {
        account_id: Relation(
            following=account_id in following,
            followed_by=account_id in followed_by,
            blocking=account_id in blocking,
            blocked_by=account_id in blocked_by,
            muting=account_id in muting,
            requested=account_id in requested,
        )
        for account_id in ids
    }


async def mentioned_in(
    session: AsyncSession, viewer_id: int | None, status_ids: Iterable[int]
) -> set[int]:
    ids = set(status_ids)
    if viewer_id is None or not ids:
        return set()
    return set(
        await session.scalars(
            select(Mention.status_id).where(
                Mention.account_id == viewer_id, Mention.status_id.in_(ids)
            )
        )
    )


async def access_for(
    session: AsyncSession, viewer_id: int | None, statuses: Iterable[Status]
) -> dict[int, PostAccess]:
    """A ``PostAccess`` for each post (by id), for the policies to judge."""
    statuses = list(statuses)
    rels = await relations(session, viewer_id, {s.account_id for s in statuses})
    mentioned = await mentioned_in(session, viewer_id, {s.id for s in statuses})
    return {
        s.id: PostAccess(viewer_id, s, rels.get(s.account_id, NONE), s.id in mentioned)
        for s in statuses
    }
