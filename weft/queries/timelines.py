"""Timelines: home, public, tag and an account's posts, one page at a time.

Each reads a page of ids (from the feed store, or an index range of
``statuses``), loads them as a bundle in a fixed number of queries, and keeps
only what the policies let the viewer see. Feeds also drop posts of people the
viewer mutes. The Link cursors are the ids read, not only those kept, so a
page emptied by filtering does not end the scroll.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.paging import Page, apply, newest_first
from weft.errors import NotFound
from weft.models import Account, Block, Follow, Mention, Mute, Status, StatusPin, StatusTag, Tag
from weft.models.base import utcnow
from weft.models.federation import DomainBlock
from weft.policies.statuses import PostAccess, can_view, is_muted_for
from weft.queries.status_bundle import StatusBundle, load_page
from weft.timelines import HomeFeed


@dataclass
class StatusPage:
    statuses: list[Status]
    bundle: StatusBundle
    cursors: list[int] = field(default_factory=list)  # for the Link header, newest first


@dataclass(frozen=True)
class Scope:
    """``local`` / ``remote`` / ``only_media``, as the public and tag timelines take them."""

    local: bool = False
    remote: bool = False
    only_media: bool = False


@dataclass(frozen=True)
class TagFilter:
    tag: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountFilter:
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    only_media: bool = False
    pinned: bool = False
    tagged: str | None = None
    # The web profile's Replies and Reposts tabs (not Mastodon parameters).
    only_replies: bool = False
    only_reblogs: bool = False


class Listed(Protocol):
    """What ``shown`` reads of a post (a ``Status``, or a home row)."""

    @property
    def id(self) -> int: ...
    @property
    def reblog_of_id(self) -> int | None: ...


def shown(access_of: Mapping[int, PostAccess], status: Listed, *, hide_muted: bool) -> bool:
    """May the viewer see ``status`` (and, for a repost, its original)?
    ``access_of`` holds the viewer's access to each post, by id."""
    for post_id in (status.id, status.reblog_of_id):
        if post_id is None:
            continue
        access = access_of.get(post_id)
        if access is None or not can_view(access):
            return False
        if hide_muted and is_muted_for(access):
            return False
    return True


async def visible_page(
    session: AsyncSession,
    viewer_id: int | None,
    ids: Sequence[int],
    *,
    hide_muted: bool,
    cursors: Sequence[int] | None = None,
) -> StatusPage:
    """The posts ``ids`` (in that order) that the viewer may see, as a bundle."""
    ordered, bundle = await load_page(session, viewer_id, ids)
    kept = [s for s in ordered if shown(bundle.access, s, hide_muted=hide_muted)]
    return StatusPage(kept, bundle, list(cursors if cursors is not None else ids))


async def home_timeline(db: Database, feed: HomeFeed, viewer_id: int, page: Page) -> StatusPage:
    """The home timeline as a full bundle: the reference the front doors' fast
    path (``home_rows``, weft/queries/home_rows.py) is held equal to."""
    async with db.read() as session:
        ids = await feed.page(session, viewer_id, page)
        return await visible_page(session, viewer_id, ids, hide_muted=True)


async def public_timeline(
    db: Database, viewer_id: int | None, scope: Scope, page: Page
) -> StatusPage:
    """Public posts, no reposts, no replies to others (Mastodon's PublicFeed)."""
    query = public_posts(scope).where(
        or_(Status.in_reply_to_id.is_(None), Status.in_reply_to_account_id == Status.account_id)
    )
    return await _run(db, viewer_id, public_feed(query, viewer_id), page)


async def tag_timeline(
    db: Database, viewer_id: int | None, tags: TagFilter, scope: Scope, page: Page
) -> StatusPage:
    query = public_posts(scope).where(or_(_tagged(tags.tag), *(_tagged(t) for t in tags.any)))
    for name in tags.all:
        query = query.where(_tagged(name))
    for name in tags.none:
        query = query.where(~_tagged(name))
    return await _run(db, viewer_id, public_feed(query, viewer_id), page)


async def account_statuses(
    db: Database, viewer_id: int | None, account_id: int, wanted: AccountFilter, page: Page
) -> StatusPage:
    """An account's posts as ``viewer_id`` may see them (followers see private ones)."""
    async with db.read() as session:
        if await session.get(Account, account_id) is None:
            raise NotFound()
        query = select(Status.id).where(
            Status.account_id == account_id, _permitted(viewer_id, account_id)
        )
        if wanted.exclude_replies:
            query = query.where(
                or_(Status.in_reply_to_id.is_(None), Status.in_reply_to_account_id == account_id)
            )
        if wanted.exclude_reblogs:
            query = query.where(Status.reblog_of_id.is_(None))
        if wanted.only_replies:
            query = query.where(Status.in_reply_to_id.is_not(None))
        if wanted.only_reblogs:
            query = query.where(Status.reblog_of_id.is_not(None))
        if wanted.only_media:
            query = query.where(_has_media())
        if wanted.pinned:
            pins = select(StatusPin.status_id).where(StatusPin.account_id == account_id)
            query = query.where(Status.id.in_(pins))
        if wanted.tagged:
            query = query.where(_tagged(wanted.tagged))
        ids = newest_first(list(await session.scalars(apply(query, Status.id, page))), page)
        return await visible_page(session, viewer_id, ids, hide_muted=False)


async def _run(db: Database, viewer_id: int | None, query: Select[int], page: Page) -> StatusPage:
    async with db.read() as session:
        ids = newest_first(list(await session.scalars(apply(query, Status.id, page))), page)
        return await visible_page(session, viewer_id, ids, hide_muted=True)


def public_posts(scope: Scope) -> Select[int]:
    """The ids of public posts (no reposts) in ``scope``: the public timelines' base."""
    query = select(Status.id).where(Status.visibility == "public", Status.reblog_of_id.is_(None))
    if scope.local or scope.remote:
        query = query.join(Account, Account.id == Status.account_id)
        if scope.local and not scope.remote:
            query = query.where(Account.domain.is_(None))
        elif scope.remote and not scope.local:
            query = query.where(Account.domain.is_not(None))
    if scope.only_media:
        query = query.where(_has_media())
    return query


def _has_media() -> ColumnElement[bool]:
    # Weft has no media attachments yet: no post has media.
    return false()


def _tagged(name: str) -> ColumnElement[bool]:
    tag_ids = select(Tag.id).where(func.lower(Tag.name) == name.lower().lstrip("#"))
    tagged = select(StatusTag.status_id).where(StatusTag.tag_id.in_(tag_ids))
    return Status.id.in_(tagged)


def public_feed(query: Select[int], viewer_id: int | None) -> Select[int]:
    """``query`` without what the viewer hides (mutes, blocks) or a domain block covers."""
    return without_blocked_servers(_without_hidden(query, viewer_id), viewer_id)


def without_blocked_servers(query: Select[int], viewer_id: int | None) -> Select[int]:
    """Leave out authors on servers under a domain block (a subdomain counts):
    all of a suspended server's, and a limited server's unless the viewer follows them;
    and limited accounts' (any server) unless the viewer follows them."""
    on_blocked_server = or_(
        Account.domain == DomainBlock.domain,
        Account.domain.like(literal("%.") + DomainBlock.domain),
    )
    hidden = DomainBlock.severity == "suspend"
    if viewer_id is not None:
        followed = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
        hidden = or_(hidden, Account.id.not_in(followed))
    else:
        hidden = or_(hidden, DomainBlock.severity == "limit")
    authors = (
        select(Account.id)
        .join(DomainBlock, on_blocked_server)
        .where(Account.domain.is_not(None), hidden)
    )
    # An account a moderator limited (weft/actions/moderation.py): the same, alone.
    limited = select(Account.id).where(Account.silenced_at.is_not(None))
    if viewer_id is not None:
        limited = limited.where(Account.id.not_in(followed), Account.id != viewer_id)
    return query.where(Status.account_id.not_in(authors), Status.account_id.not_in(limited))


def _without_hidden(query: Select[int], viewer_id: int | None) -> Select[int]:
    """Leave out authors the viewer blocks, is blocked by, or mutes."""
    if viewer_id is None:
        return query
    hidden = union(
        select(Block.target_account_id).where(Block.account_id == viewer_id),
        select(Block.account_id).where(Block.target_account_id == viewer_id),
        select(Mute.target_account_id).where(
            Mute.account_id == viewer_id,
            or_(Mute.expires_at.is_(None), Mute.expires_at > utcnow()),
        ),
    )
    return query.where(Status.account_id.not_in(hidden))


def _permitted(viewer_id: int | None, account_id: int) -> ColumnElement[bool]:
    """Visibilities the viewer may see on this account's profile (the policy
    checks each post again; this keeps pages full)."""
    public = Status.visibility.in_(("public", "unlisted"))
    if viewer_id is None:
        return public
    if viewer_id == account_id:
        return Status.id.is_not(None)
    follows = (
        select(Follow.id)
        .where(Follow.account_id == viewer_id, Follow.target_account_id == account_id)
        .exists()
    )
    mentioned = select(Mention.status_id).where(Mention.account_id == viewer_id)
    private = and_(Status.visibility == "private", follows)
    return or_(public, private, Status.id.in_(mentioned))
