"""The home timeline as rows: the hottest read (the API's home timeline and
the web's Following tab), in one query per level.

What the policies and the renderer need of a page (each post's columns and
version, its author's version, and every fact about the viewer: follows,
blocks, mutes, requests, mentions, likes, reposts, saves, pins) comes from one
statement of indexed EXISTS probes per post, with no ORM objects: the
originals of reposts and quoted posts take one more statement each when the
page has them. The feed store reads the page with its rows
(``HomeFeed.page_rows``) and the database the rest by id
(``Database.rows_by_id``), each its own way: nothing here depends on which
store or database runs it. The entities themselves come from the versioned cache
(weft/api/serializers/home.py); ``home_timeline`` (weft/queries/timelines.py)
answers the same question with a full bundle, and a test holds the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    bindparam,
    literal_column,
    select,
    true,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from weft.db.by_id import RowsById
from weft.db.database import Database
from weft.db.paging import Page
from weft.models import (
    Account,
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
from weft.queries.relations import mute_in_force
from weft.queries.timelines import shown
from weft.timelines import HomeFeed

_NOW: BindParameter[datetime] = bindparam("now", type_=Mute.__table__.c.expires_at.type)
_reposts = aliased(Status)


@dataclass(slots=True)
class HomePost:
    """One post's row, with the viewer's facts about it and its author (each
    fact 0 or 1 on SQLite, a bool on PostgreSQL: read them as truth values)."""

    id: int
    version: int
    account_id: int
    account_version: int
    visibility: str
    reply_policy: str
    quote_policy: str
    quote_manual: str | None
    quote_state: str | None
    reblog_of_id: int | None
    quote_of_id: int | None
    application_id: int | None
    in_reply_to_account_id: int | None
    reply_state: str | None
    hidden_by_id: int | None
    restricted: bool
    archived_at: datetime | None
    ghost_expires_at: datetime | None
    following: int
    followed_by: int
    blocking: int
    blocked_by: int
    muting: int
    requested: int
    mentioned: int
    favourited: int
    reblogged: int
    bookmarked: int
    pinned: int


def _any(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
    """EXISTS (SELECT 1 ...): read from the index alone (SELECT * makes SQLite
    visit the table rows too). Typed as a number, so SQLite's 0 or 1 is not
    converted row by row: the readers take it as a truth value."""
    return type_coerce(select(literal_column("1")).where(*conditions).exists(), Integer)


def _columns(viewer: ColumnElement[int]) -> tuple[Any, ...]:
    return (
        Status.id,
        Status.version,
        Status.account_id,
        Account.version,
        Status.visibility,
        Status.reply_policy,
        Status.quote_policy,
        Status.quote_manual,
        Status.quote_state,
        Status.reblog_of_id,
        Status.quote_of_id,
        Status.application_id,
        Status.in_reply_to_account_id,
        Status.reply_state,
        Status.hidden_by_id,
        Status.restricted,
        Status.archived_at,
        Status.ghost_expires_at,
        _any(Follow.account_id == viewer, Follow.target_account_id == Status.account_id),
        _any(Follow.account_id == Status.account_id, Follow.target_account_id == viewer),
        _any(Block.account_id == viewer, Block.target_account_id == Status.account_id),
        _any(Block.account_id == Status.account_id, Block.target_account_id == viewer),
        _any(
            Mute.account_id == viewer,
            Mute.target_account_id == Status.account_id,
            mute_in_force(_NOW),
        ),
        _any(
            FollowRequest.account_id == viewer,
            FollowRequest.target_account_id == Status.account_id,
        ),
        _any(Mention.account_id == viewer, Mention.status_id == Status.id),
        _any(Favourite.account_id == viewer, Favourite.status_id == Status.id),
        _any(_reposts.account_id == viewer, _reposts.reblog_of_id == Status.id),
        _any(Bookmark.account_id == viewer, Bookmark.status_id == Status.id),
        _any(StatusPin.account_id == viewer, StatusPin.status_id == Status.id),
    )


# Each post's row, keyed by the viewer: joined to the feed's entries when the
# feed is a table, else read by id (weft/db/by_id.py).
_POSTS = RowsById(
    lambda viewer: select(*_columns(viewer)).join(Account, Account.id == Status.account_id),
    Status.id,
    lambda: {"now": utcnow()},
)


@dataclass
class HomeRows:
    viewer_id: int
    posts: dict[int, HomePost] = field(default_factory=dict)  # the page's and those they show
    shown: list[HomePost] = field(default_factory=list)  # the page, newest first, filtered
    access: dict[int, PostAccess] = field(default_factory=dict)
    cursors: list[int] = field(default_factory=list)  # every id read, for the Link header


async def home_rows(db: Database, feed: HomeFeed, viewer_id: int, page: Page) -> HomeRows:
    """A page of the viewer's home timeline: what they may see of it, newest first."""
    read = await feed.page_rows(db, viewer_id, page, _POSTS)
    return await _judged(db, viewer_id, [HomePost(*row) for row in read.rows], read.ids)


async def post_rows(db: Database, viewer_id: int, ids: list[int]) -> HomeRows:
    """The posts ``ids`` as ``home_rows`` reads a page (one statement of the
    viewer's facts, the same policies): what a live stream sends its viewer
    (weft/api/streaming/render.py)."""
    ordered = [HomePost(*row) for row in await db.rows_by_id(_POSTS, viewer_id, ids)]
    ordered.sort(key=lambda post: ids.index(post.id))
    return await _judged(db, viewer_id, ordered, list(ids))


async def _judged(
    db: Database, viewer_id: int, ordered: list[HomePost], cursors: list[int]
) -> HomeRows:
    """The posts read, with the reposted and quoted posts they show, judged."""
    wanted = _shown_by(ordered)
    extra = [HomePost(*row) for row in await db.rows_by_id(_POSTS, viewer_id, wanted)]
    return _judge(viewer_id, ordered, extra, cursors)


def _shown_by(posts: list[HomePost]) -> set[int]:
    """The posts that ``posts`` repost or quote, and that are not among them."""
    wanted = {p.reblog_of_id for p in posts} | {p.quote_of_id for p in posts}
    return {i for i in wanted if i is not None} - {p.id for p in posts}


def _judge(
    viewer_id: int, ordered: list[HomePost], extra: list[HomePost], cursors: list[int]
) -> HomeRows:
    found = HomeRows(viewer_id, cursors=cursors)
    found.posts = {p.id: p for p in [*ordered, *extra]}
    relations: dict[int, Relation] = {}  # by author: the same for each of their posts
    found.access = {p.id: _access(viewer_id, p, relations) for p in found.posts.values()}
    found.shown = [p for p in ordered if shown(found.access, p, hide_muted=True)]
    return found


_viewer = aliased(Account, name="viewer")


async def post_rows_for(db: Database, status_id: int, viewer_ids: list[int]) -> dict[int, HomeRows]:
    """``post_rows`` of one post for many viewers, in one statement (and one
    more for the post it reposts or quotes): each viewer's facts are probed
    with the viewer as a column, so a post reaching 1,000 streams is one read."""
    by_viewer: dict[int, list[HomePost]] = {v: [] for v in viewer_ids}
    extra: dict[int, list[HomePost]] = {v: [] for v in viewer_ids}
    async with db.read() as session:
        for found in await _for_viewers(session, [status_id], viewer_ids):
            by_viewer[found[0]].append(found[1])
        # The post is the same for every viewer (only their facts differ).
        first = next((posts[0] for posts in by_viewer.values() if posts), None)
        wanted = _shown_by([first]) if first is not None else set()
        if wanted:
            for found in await _for_viewers(session, sorted(wanted), viewer_ids):
                extra[found[0]].append(found[1])
    return {v: _judge(v, by_viewer[v], extra[v], [status_id]) for v in viewer_ids}


async def _for_viewers(
    session: AsyncSession, ids: list[int], viewer_ids: list[int]
) -> list[tuple[int, HomePost]]:
    statement = (
        select(_viewer.id, *_columns(_viewer.id.expression))
        .select_from(Status)
        .join(Account, Account.id == Status.account_id)
        .join(_viewer, true())
        .where(Status.id.in_(ids), _viewer.id.in_(viewer_ids))
    )
    rows = await session.execute(statement, {"now": utcnow()})
    return [(row[0], HomePost(*row[1:])) for row in rows]


def _access(viewer_id: int, post: HomePost, relations: dict[int, Relation]) -> PostAccess:
    relation = relations.get(post.account_id)
    if relation is None:
        relation = relations[post.account_id] = _relation(viewer_id, post)
    return PostAccess(viewer_id, post, relation, bool(post.mentioned))


def _relation(viewer_id: int, post: HomePost) -> Relation:
    if post.account_id == viewer_id:
        return NONE
    return Relation(
        following=bool(post.following),
        followed_by=bool(post.followed_by),
        blocking=bool(post.blocking),
        blocked_by=bool(post.blocked_by),
        muting=bool(post.muting),
        requested=bool(post.requested),
    )
