"""The home timeline as rows: the API's hottest read, in one query per level.

What the policies and the renderer need of a page (each post's columns and
version, its author's version, and every fact about the viewer: follows,
blocks, mutes, requests, mentions, likes, reposts, saves, pins) comes from one
statement of indexed EXISTS probes per post, with no ORM objects: the
originals of reposts and quoted posts take one more statement each when the
page has them. The entities themselves come from the versioned cache
(weft/api/serializers/home.py); ``home_timeline`` (weft/queries/timelines.py)
answers the same question with a full bundle, and a test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from weft.coalesce import PerOwner
from weft.db.database import Database
from weft.db.paging import Page
from weft.models import (
    Account,
    Block,
    Bookmark,
    Favourite,
    Follow,
    FollowRequest,
    HomeFeedEntry,
    Mention,
    Mute,
    Status,
    StatusPin,
)
from weft.models.base import utcnow
from weft.policies.statuses import NONE, PostAccess, Relation
from weft.queries.relations import mute_in_force
from weft.queries.timelines import shown
from weft.timelines import HomeFeed, TableHomeFeed

_VIEWER: BindParameter[int] = bindparam("viewer")
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
    quote_state: str | None
    reblog_of_id: int | None
    quote_of_id: int | None
    application_id: int | None
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
        Status.quote_state,
        Status.reblog_of_id,
        Status.quote_of_id,
        Status.application_id,
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


def _posts() -> Select[Any]:
    return select(*_columns(_VIEWER)).join(Account, Account.id == Status.account_id)


# Built once: a statement's construction costs more than its run on SQLite.
# Posts by id take a fixed number of slots (unused ones hold 0, never an id),
# so the statement never changes shape (weft/db/inline.py prepares it once).
_ID_SLOTS = 40
_BY_ID = _posts().where(Status.id.in_([bindparam(f"id{n}") for n in range(_ID_SLOTS)]))
# On PostgreSQL, the posts several requests asked for at once, as (request,
# viewer, id) in three arrays; each row starts with its request's number
# (``_postgres_reads``).
_WANTED = (
    func.unnest(
        bindparam("asks", type_=ARRAY(Integer)),
        bindparam("viewers", type_=ARRAY(BigInteger)),
        bindparam("ids", type_=ARRAY(BigInteger)),
    )
    .table_valued(column("ask", Integer), column("viewer", BigInteger), column("id", BigInteger))
    .render_derived()
)
_BY_VIEWER_AND_ID = (
    select(_WANTED.c.ask, *_columns(_WANTED.c.viewer))
    .select_from(_WANTED)
    .join(Status, Status.id == _WANTED.c.id)
    .join(Account, Account.id == Status.account_id)
)
_FEED = (
    _posts()
    .join(HomeFeedEntry, HomeFeedEntry.status_id == Status.id)
    .where(
        HomeFeedEntry.account_id == _VIEWER,
        HomeFeedEntry.status_id < bindparam("below"),
        HomeFeedEntry.status_id > bindparam("above"),
    )
    .limit(bindparam("limit"))
)
_NEWEST = _FEED.order_by(HomeFeedEntry.status_id.desc())
_OLDEST = _FEED.order_by(HomeFeedEntry.status_id.asc())
_NO_BOUND = 2**63 - 1


@dataclass
class HomeRows:
    viewer_id: int
    posts: dict[int, HomePost] = field(default_factory=dict)  # the page's and those they show
    shown: list[HomePost] = field(default_factory=list)  # the page, newest first, filtered
    access: dict[int, PostAccess] = field(default_factory=dict)
    cursors: list[int] = field(default_factory=list)  # every id read, for the Link header


async def home_rows(db: Database, feed: HomeFeed, viewer_id: int, page: Page) -> HomeRows:
    """A page of the viewer's home timeline: what they may see of it, newest first."""
    found = HomeRows(viewer_id)
    params: dict[str, Any] = {"viewer": viewer_id, "now": utcnow()}
    if isinstance(feed, TableHomeFeed):
        bounds = {
            "below": page.max_id if page.max_id is not None else _NO_BOUND,
            "above": max(page.since_id or 0, page.min_id or 0),
            "limit": page.limit,
        }
        rows = await db.rows(_OLDEST if page.ascending else _NEWEST, params | bounds)
        ordered = [_post(row) for row in rows]
        if page.ascending:
            ordered.reverse()
    else:
        ids = await _feed_ids(db, feed, viewer_id, page)
        by_id = {p.id: p for p in await _by_id(db, params, ids)}
        ordered = [by_id[i] for i in ids if i in by_id]
        found.cursors = ids
    found.posts = {p.id: p for p in ordered}
    found.cursors = found.cursors or [p.id for p in ordered]
    for attribute in ("reblog_of_id", "quote_of_id"):
        wanted = {getattr(p, attribute) for p in found.posts.values()} - {None, *found.posts}
        for post in await _by_id(db, params, wanted):
            found.posts[post.id] = post
    relations: dict[int, Relation] = {}  # by author: the same for each of their posts
    found.access = {p.id: _access(viewer_id, p, relations) for p in found.posts.values()}
    found.shown = [p for p in ordered if shown(found.access, p, hide_muted=True)]
    return found


async def _feed_ids(db: Database, feed: HomeFeed, viewer_id: int, page: Page) -> list[int]:
    from weft.timelines.redis import RedisHomeFeed

    if isinstance(feed, RedisHomeFeed):
        ids = await feed.ready_page(viewer_id, page)
        if ids is not None:
            return ids
    async with db.read() as session:  # a feed to rebuild first
        return await feed.page(session, viewer_id, page)


async def _by_id(db: Database, params: dict[str, Any], ids: Iterable[int]) -> list[HomePost]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    if not db.is_sqlite:
        return await _postgres_reads(db).ask(
            (params["viewer"], wanted), partial(_read_together, db)
        )
    found: list[HomePost] = []
    for start in range(0, len(wanted), _ID_SLOTS):
        chunk = wanted[start : start + _ID_SLOTS]
        slots = {f"id{n}": chunk[n] if n < len(chunk) else 0 for n in range(_ID_SLOTS)}
        found.extend(_post(row) for row in await db.rows(_BY_ID, params | slots))
    return found


# On PostgreSQL, posts by id for the pages asked for in one turn of the event
# loop, read together in one statement (``_BY_VIEWER_AND_ID``) at the next.
_postgres_reads: PerOwner[Database, tuple[int, list[int]], list[HomePost]] = PerOwner()


async def _read_together(db: Database, asked: list[tuple[int, list[int]]]) -> list[list[HomePost]]:
    """Each (viewer, ids) pair's posts, from one statement."""
    found: list[list[HomePost]] = [[] for _ in asked]
    params = {
        "asks": [n for n, (_, ids) in enumerate(asked) for _ in ids],
        "viewers": [viewer_id for viewer_id, ids in asked for _ in ids],
        "ids": [i for _, ids in asked for i in ids],
        "now": utcnow(),
    }
    for row in await db.rows(_BY_VIEWER_AND_ID, params):
        found[row[0]].append(HomePost(*row[1:]))
    return found


def _post(row: Sequence[Any]) -> HomePost:
    return HomePost(*row)


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
