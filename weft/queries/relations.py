"""Loading what the policies need, in one query per page.

Everything about the viewer that a page of posts depends on (whom they
follow, block, mute; which of the posts mention them; which they liked,
reposted, saved, pinned) comes from a single UNION ALL of small indexed
lookups: every request that shows posts pays for it, so it is one round trip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from weft.models import (
    Block,
    Bookmark,
    Favourite,
    Follow,
    FollowRequest,
    Mention,
    Mute,
    Status,
    StatusPin,
)
from weft.models.base import utcnow
from weft.policies.statuses import NONE, PostAccess, Relation

Facts = dict[str, set[int]]
RELATION_KINDS = ("following", "followed_by", "blocking", "blocked_by", "muting", "requested")
MARK_KINDS = ("favourited", "reblogged", "bookmarked", "pinned")


_VIEWER: BindParameter[int] = bindparam("viewer")
_ACCOUNTS: BindParameter[list[int]] = bindparam("accounts", expanding=True)
_STATUSES: BindParameter[list[int]] = bindparam("statuses", expanding=True)
_NOW: BindParameter[datetime] = bindparam("now")


def mute_in_force(now: ColumnElement[datetime]) -> ColumnElement[bool]:
    """A mute without an end, or whose end is after ``now``."""
    return or_(Mute.expires_at.is_(None), Mute.expires_at > now)


def _account_facts() -> list[Any]:
    return [
        select(literal("following"), Follow.target_account_id).where(
            Follow.account_id == _VIEWER, Follow.target_account_id.in_(_ACCOUNTS)
        ),
        select(literal("followed_by"), Follow.account_id).where(
            Follow.target_account_id == _VIEWER, Follow.account_id.in_(_ACCOUNTS)
        ),
        select(literal("blocking"), Block.target_account_id).where(
            Block.account_id == _VIEWER, Block.target_account_id.in_(_ACCOUNTS)
        ),
        select(literal("blocked_by"), Block.account_id).where(
            Block.target_account_id == _VIEWER, Block.account_id.in_(_ACCOUNTS)
        ),
        select(literal("muting"), Mute.target_account_id).where(
            Mute.account_id == _VIEWER,
            Mute.target_account_id.in_(_ACCOUNTS),
            mute_in_force(_NOW),
        ),
        select(literal("requested"), FollowRequest.target_account_id).where(
            FollowRequest.account_id == _VIEWER, FollowRequest.target_account_id.in_(_ACCOUNTS)
        ),
    ]


def _status_facts() -> list[Any]:
    return [
        select(literal("mentioned"), Mention.status_id).where(
            Mention.account_id == _VIEWER, Mention.status_id.in_(_STATUSES)
        )
    ]


def _mark_facts() -> list[Any]:
    return [
        select(literal("favourited"), Favourite.status_id).where(
            Favourite.account_id == _VIEWER, Favourite.status_id.in_(_STATUSES)
        ),
        select(literal("bookmarked"), Bookmark.status_id).where(
            Bookmark.account_id == _VIEWER, Bookmark.status_id.in_(_STATUSES)
        ),
        select(literal("pinned"), StatusPin.status_id).where(
            StatusPin.account_id == _VIEWER, StatusPin.status_id.in_(_STATUSES)
        ),
        select(literal("reblogged"), Status.reblog_of_id).where(
            Status.account_id == _VIEWER, Status.reblog_of_id.in_(_STATUSES)
        ),
    ]


# Built once: constructing a dozen-part UNION per request costs more than running it.
_FACTS = union_all(*_account_facts(), *_status_facts())
_FACTS_AND_MARKS = union_all(*_account_facts(), *_status_facts(), *_mark_facts())


async def viewer_facts(
    session: AsyncSession,
    viewer_id: int | None,
    account_ids: Iterable[int],
    status_ids: Iterable[int] = (),
    *,
    marks: bool = False,
) -> Facts:
    """Each kind of fact (``following``, ``mentioned``, ``favourited``, ...) as
    the set of account or status ids it holds for, in one query."""
    facts: Facts = defaultdict(set)
    accounts = sorted(set(account_ids) - {viewer_id})
    statuses = sorted(set(status_ids))
    if viewer_id is None or not (accounts or statuses):
        return facts
    params = {"viewer": viewer_id, "accounts": accounts, "statuses": statuses, "now": utcnow()}
    rows = await session.execute(_FACTS_AND_MARKS if marks else _FACTS, params)
    for kind, target in rows.all():
        if target is not None:
            facts[kind].add(int(target))
    return facts


def relations_from(facts: Facts, account_ids: Iterable[int]) -> dict[int, Relation]:
    return {
        account_id: Relation(**{kind: account_id in facts[kind] for kind in RELATION_KINDS})
        for account_id in account_ids
    }


async def relations(
    session: AsyncSession, viewer_id: int | None, account_ids: Iterable[int]
) -> dict[int, Relation]:
    """The viewer's relation with each of ``account_ids`` (one query, any count)."""
    ids = set(account_ids) - {viewer_id}
    if viewer_id is None or not ids:
        return {}
    return relations_from(await viewer_facts(session, viewer_id, ids), ids)


async def mentioned_in(
    session: AsyncSession, viewer_id: int | None, status_ids: Iterable[int]
) -> set[int]:
    facts = await viewer_facts(session, viewer_id, (), status_ids)
    return facts["mentioned"]


def accesses_from(
    viewer_id: int | None, statuses: Iterable[Status], facts: Facts
) -> dict[int, PostAccess]:
    statuses = list(statuses)
    rels = relations_from(facts, {s.account_id for s in statuses} - {viewer_id})
    return {
        s.id: PostAccess(viewer_id, s, rels.get(s.account_id, NONE), s.id in facts["mentioned"])
        for s in statuses
    }


async def access_for(
    session: AsyncSession, viewer_id: int | None, statuses: Iterable[Status]
) -> dict[int, PostAccess]:
    """A ``PostAccess`` for each post (by id), for the policies to judge."""
    statuses = list(statuses)
    facts = await viewer_facts(
        session, viewer_id, {s.account_id for s in statuses}, {s.id for s in statuses}
    )
    return accesses_from(viewer_id, statuses, facts)
