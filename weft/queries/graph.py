"""Reading the social graph: relationships, followers, following, blocks, mutes, requests.

Lists are paged by the id of the graph row (the follow, the block, ...), not
the account's, as Mastodon does: "followers" is newest follower first, and its
``max_id`` is a follow's id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.paging import Page, apply
from weft.errors import NotFound
from weft.models import Account, AccountNote, Block, Follow, FollowRequest, Mute, Restrict
from weft.models.base import utcnow

Rows = Select[int, Account]
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class Relationship:
    """How the viewer stands with one account, as Mastodon's Relationship entity says."""

    id: int
    following: bool = False
    showing_reblogs: bool = False
    notifying: bool = False
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    muting_expires_at: datetime | None = None
    requested: bool = False
    requested_by: bool = False
    restricting: bool = False  # Weft: the viewer restricts the account
    note: str = ""  # the viewer's private note on the account


@dataclass(frozen=True)
class Listed:
    """One account in a graph list, with the id of the row it is listed by."""

    account: Account
    cursor: int
    mute_expires_at: datetime | None = None


async def relationship(db: Database, viewer_id: int, account_id: int) -> Relationship:
    async with db.read() as session:
        return (await _relationships(session, viewer_id, [account_id]))[0]


async def relationships(
    db: Database, viewer_id: int, account_ids: Sequence[int]
) -> list[Relationship]:
    """Relationships with each existing, unsuspended account of ``account_ids``, in
    the order asked, each once; unknown ids are left out (as Mastodon does)."""
    wanted = list(dict.fromkeys(account_ids))
    if not wanted:
        return []
    async with db.read() as session:
        existing = set(
            await session.scalars(
                select(Account.id).where(Account.id.in_(wanted), Account.suspended_at.is_(None))
            )
        )
        return await _relationships(session, viewer_id, [i for i in wanted if i in existing])


async def _relationships(
    session: AsyncSession, viewer_id: int, ids: list[int]
) -> list[Relationship]:
    """Eight queries however many ids."""
    if not ids:
        return []
    following = await _options(session, Follow, viewer_id, ids)
    requested = await _options(session, FollowRequest, viewer_id, ids)
    followed_by = await _sources(session, Follow, viewer_id, ids)
    requested_by = await _sources(session, FollowRequest, viewer_id, ids)
    blocks = {
        (source, target)
        for source, target in await session.execute(
            select(Block.account_id, Block.target_account_id).where(
                or_(
                    (Block.account_id == viewer_id) & Block.target_account_id.in_(ids),
                    (Block.target_account_id == viewer_id) & Block.account_id.in_(ids),
                )
            )
        )
    }
    mutes = {
        target: (hide, expires)
        for target, hide, expires in await session.execute(
            select(Mute.target_account_id, Mute.hide_notifications, Mute.expires_at).where(
                Mute.account_id == viewer_id, Mute.target_account_id.in_(ids), _mute_active()
            )
        )
    }
    restricted = set(
        await session.scalars(
            select(Restrict.target_account_id).where(
                Restrict.account_id == viewer_id, Restrict.target_account_id.in_(ids)
            )
        )
    )
    notes: dict[int, str] = {
        target: comment
        for target, comment in await session.execute(
            select(AccountNote.target_account_id, AccountNote.comment).where(
                AccountNote.account_id == viewer_id, AccountNote.target_account_id.in_(ids)
            )
        )
    }
    return [
        _relationship(
            i,
            following.get(i) or requested.get(i),
            i in following,
            i in requested,
            followed_by=i in followed_by,
            requested_by=i in requested_by,
            blocking=(viewer_id, i) in blocks,
            blocked_by=(i, viewer_id) in blocks,
            mute=mutes.get(i),
            restricting=i in restricted,
            note=notes.get(i, ""),
        )
        for i in ids
    ]


def _relationship(
    account_id: int,
    options: tuple[bool, bool] | None,
    following: bool,
    requested: bool,
    *,
    followed_by: bool,
    requested_by: bool,
    blocking: bool,
    blocked_by: bool,
    mute: tuple[bool, datetime | None] | None,
    restricting: bool = False,
    note: str = "",
) -> Relationship:
    reblogs, notify = options or (False, False)
    return Relationship(
        id=account_id,
        following=following,
        # A pending request's options show too, as Mastodon's RelationshipSerializer does.
        showing_reblogs=reblogs,
        notifying=notify,
        followed_by=followed_by,
        blocking=blocking,
        blocked_by=blocked_by,
        muting=mute is not None,
        muting_notifications=mute is not None and mute[0],
        muting_expires_at=mute[1] if mute else None,
        requested=requested,
        requested_by=requested_by,
        restricting=restricting,
        note=note,
    )


async def _options(
    session: AsyncSession, model: type[Follow] | type[FollowRequest], viewer_id: int, ids: list[int]
) -> dict[int, tuple[bool, bool]]:
    rows = await session.execute(
        select(model.target_account_id, model.show_reblogs, model.notify).where(
            model.account_id == viewer_id, model.target_account_id.in_(ids)
        )
    )
    return {target: (reblogs, notify) for target, reblogs, notify in rows}


async def _sources(
    session: AsyncSession, model: type[Follow] | type[FollowRequest], viewer_id: int, ids: list[int]
) -> set[int]:
    return set(
        await session.scalars(
            select(model.account_id).where(
                model.target_account_id == viewer_id, model.account_id.in_(ids)
            )
        )
    )


def _mute_active() -> ColumnElement[bool]:
    return or_(Mute.expires_at.is_(None), Mute.expires_at > utcnow())


# --- lists -------------------------------------------------------------------------------


async def followers(
    db: Database, viewer_id: int | None, account_id: int, page: Page
) -> list[Listed]:
    """Who follows ``account_id``, newest first, as ``viewer_id`` may see them."""
    query = select(Follow.id, Account).join(Account, Account.id == Follow.account_id)
    query = query.where(Follow.target_account_id == account_id)
    return await _collection(db, viewer_id, account_id, query, Follow.id, page)


async def following(
    db: Database, viewer_id: int | None, account_id: int, page: Page
) -> list[Listed]:
    """Whom ``account_id`` follows, most recently followed first."""
    query = select(Follow.id, Account).join(Account, Account.id == Follow.target_account_id)
    query = query.where(Follow.account_id == account_id)
    return await _collection(db, viewer_id, account_id, query, Follow.id, page)


async def _collection(
    db: Database,
    viewer_id: int | None,
    owner_id: int,
    query: Rows,
    cursor: Any,
    page: Page,
) -> list[Listed]:
    """A followers or following list. Others see it empty when the owner hides
    it (``hide_collections``) or blocks them; accounts the viewer blocks, is
    blocked by or mutes are left out (Mastodon's ``not_excluded_by_account``)."""
    async with db.read() as session:
        owner = await session.get(Account, owner_id)
        if owner is None or owner.suspended_at is not None:
            raise NotFound()
        if viewer_id != owner_id:
            if owner.hide_collections or await _blocks(session, owner_id, viewer_id):
                return []
            query = _excluding(query, viewer_id)
        return await _listed(session, query, cursor, page)


async def _blocks(session: AsyncSession, account_id: int, viewer_id: int | None) -> bool:
    if viewer_id is None:
        return False
    found = await session.scalar(
        select(Block.id).where(Block.account_id == account_id, Block.target_account_id == viewer_id)
    )
    return found is not None


def _excluding(query: Rows, viewer_id: int | None) -> Rows:
    if viewer_id is None:
        return query
    return query.where(
        Account.id.not_in(select(Block.target_account_id).where(Block.account_id == viewer_id)),
        Account.id.not_in(select(Block.account_id).where(Block.target_account_id == viewer_id)),
        Account.id.not_in(
            select(Mute.target_account_id).where(Mute.account_id == viewer_id, _mute_active())
        ),
    )


async def blocks(db: Database, viewer_id: int, page: Page) -> list[Listed]:
    """Whom the viewer blocks, most recent block first."""
    query = select(Block.id, Account).join(Account, Account.id == Block.target_account_id)
    query = query.where(Block.account_id == viewer_id)
    async with db.read() as session:
        return await _listed(session, query, Block.id, page)


async def mutes(db: Database, viewer_id: int, page: Page) -> list[Listed]:
    """Whom the viewer mutes (expired mutes left out), most recent first."""
    query = select(Mute.id, Account, Mute.expires_at).join(
        Account, Account.id == Mute.target_account_id
    )
    query = query.where(Mute.account_id == viewer_id, _mute_active())
    query = apply(query.where(Account.suspended_at.is_(None)), Mute.id, page)
    async with db.read() as session:
        rows = (await session.execute(query)).all()
    listed = [Listed(account, row_id, expires) for row_id, account, expires in rows]
    return _newest_first(listed, page)


async def follow_requests(db: Database, viewer_id: int, page: Page) -> list[Listed]:
    """Who asks to follow the viewer, most recent request first."""
    query = select(FollowRequest.id, Account).join(Account, Account.id == FollowRequest.account_id)
    query = query.where(FollowRequest.target_account_id == viewer_id)
    async with db.read() as session:
        return await _listed(session, query, FollowRequest.id, page)


async def _listed(session: AsyncSession, query: Rows, cursor: Any, page: Page) -> list[Listed]:
    query = apply(query.where(Account.suspended_at.is_(None)), cursor, page)
    rows = (await session.execute(query)).all()
    return _newest_first([Listed(account, row_id) for row_id, account in rows], page)


def _newest_first(listed: Iterable[Listed], page: Page) -> list[Listed]:
    items = list(listed)
    return list(reversed(items)) if page.ascending else items


async def follow_requests_count(db: Database, account_id: int) -> int:
    """How many wait for ``account_id``'s approval (CredentialAccount's
    ``source.follow_requests_count``)."""
    async with db.read() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(FollowRequest)
            .where(FollowRequest.target_account_id == account_id)
        )
    return int(found or 0)
