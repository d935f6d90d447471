"""Search: people, posts and topics (hashtags), as Mastodon's ``/api/v2/search``.

Local search, no index server: accounts by username or display-name prefix,
hashtags by name prefix, posts whose text holds every word of the query
(``LIKE`` on both backends). Who shows up is decided here and by the post
policies, the same for the API and the web page:

- accounts: not suspended, not the instance actor, not blocked either way;
  people who turned ``discoverable`` off appear only for an exact username or
  for their followers;
- posts (signed-in people only, as Mastodon's full-text search): public or
  unlisted posts by ``indexable`` authors, the viewer's own, and posts that
  mention the viewer; then every post passes ``can_view`` like any timeline.

``resolve`` (a handle or a URL, signed-in people only) looks the thing up here
first, then asks ``weft.remote_lookup`` (``weft.federation.lookup.resolve``) to fetch it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import EPOCH_MS, NODE_BITS, SEQUENCE_BITS
from weft.db.paging import Page, apply, newest_first
from weft.models import Account, Block, Follow, Mention, Status, StatusTag, Tag
from weft.queries.accounts import is_shown, moved_targets
from weft.queries.status_bundle import StatusBundle
from weft.queries.timelines import StatusPage, visible_page
from weft.remote_lookup import remote_lookup

TYPES = ("accounts", "statuses", "hashtags")
HISTORY_DAYS = 7
MAX_WORDS = 8
_HANDLE = re.compile(
    r"^@?[A-Za-z0-9_.-]+@(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|localhost)(?::[0-9]+)?$"
)
_TAG_NAME = re.compile(r"^[^\W]\w*$")
_LOCAL_POST = re.compile(r"^/(?:@[^/]+|users/[^/]+/statuses)/([0-9]+)$")


@dataclass(frozen=True)
class SearchRequest:
    """What to look for. ``type`` None means all three kinds."""

    q: str
    type: str | None = None
    viewer_id: int | None = None
    resolve: bool = False
    following: bool = False
    account_id: int | None = None
    max_id: int | None = None
    min_id: int | None = None
    limit: int = 20
    offset: int = 0

    def wants(self, kind: str) -> bool:
        return self.type is None or self.type == kind


@dataclass(frozen=True)
class TagUse:
    """A hashtag with its use per day, newest day first (Mastodon's TagHistory)."""

    tag: Tag
    history: list[dict[str, str]]


@dataclass
class SearchResults:
    accounts: list[Account] = field(default_factory=list)
    statuses: StatusPage = field(default_factory=lambda: StatusPage([], StatusBundle(None)))
    hashtags: list[TagUse] = field(default_factory=list)
    # Where the found accounts that moved went (by the moved account's id).
    moved: dict[int, Account] = field(default_factory=dict)


def looks_like_handle(q: str) -> bool:
    """``user@domain`` or ``@user@domain``: something ``resolve`` can look up."""
    return bool(_HANDLE.match(q.strip()))


def looks_like_url(q: str) -> bool:
    return q.strip().startswith(("https://", "http://")) and " " not in q.strip()


async def search(db: Database, settings: Settings, wanted: SearchRequest) -> SearchResults:
    q = wanted.q.strip()
    results = SearchResults()
    if not q or wanted.limit <= 0:
        return results
    if looks_like_url(q) or (wanted.resolve and looks_like_handle(q)):
        found = await _resolved(db, settings, wanted, q)
        if found is not None:
            return found
        if looks_like_url(q):
            return results
    async with db.read() as session:
        if wanted.wants("accounts"):
            results.accounts = await _accounts(session, settings, wanted, q)
            results.moved = await moved_targets(session, results.accounts)
        if wanted.wants("hashtags"):
            results.hashtags = await _hashtags(session, wanted, q)
        if wanted.wants("statuses") and wanted.viewer_id is not None:
            results.statuses = await _statuses(session, wanted, q)
    return results


# --- accounts ----------------------------------------------------------------------------


def _handle_parts(q: str, settings: Settings) -> tuple[str, str | None]:
    """``q`` as (username prefix, domain or None); this server's domain means local."""
    username, _, domain = q.lstrip("@").partition("@")
    if domain.lower() == settings.domain.lower():
        domain = ""
    return username, domain or None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def _accounts(
    session: AsyncSession, settings: Settings, wanted: SearchRequest, q: str
) -> list[Account]:
    username, domain = _handle_parts(q, settings)
    if not username:
        return []
    prefix = _escape_like(username.lower()) + "%"
    exact = func.lower(Account.username) == username.lower()
    matches: ColumnElement[bool] = or_(
        func.lower(Account.username).like(prefix, escape="\\"),
        func.lower(Account.display_name).like(prefix, escape="\\"),
    )
    query = select(Account).where(matches, Account.suspended_at.is_(None))
    if domain is not None:
        query = query.where(func.lower(Account.domain) == domain.lower())
    elif "@" in q.lstrip("@"):
        query = query.where(Account.domain.is_(None))
    query = _visible_accounts(query, wanted, exact)
    query = query.order_by(
        case((exact, 0), else_=1), Account.followers_count.desc(), Account.id.desc()
    )
    rows = await session.scalars(query.offset(wanted.offset).limit(wanted.limit))
    return [a for a in rows if is_shown(a)]


def _visible_accounts(
    query: Select[Account], wanted: SearchRequest, exact: ColumnElement[bool]
) -> Select[Account]:
    viewer = wanted.viewer_id
    if viewer is None:
        return query.where(or_(Account.discoverable.is_(True), exact))
    followed = select(Follow.target_account_id).where(Follow.account_id == viewer)
    if wanted.following:
        query = query.where(Account.id.in_(followed))
    return query.where(
        or_(Account.discoverable.is_(True), exact, Account.id.in_(followed), Account.id == viewer),
        Account.id.not_in(select(Block.target_account_id).where(Block.account_id == viewer)),
        Account.id.not_in(select(Block.account_id).where(Block.target_account_id == viewer)),
    )


# --- hashtags ----------------------------------------------------------------------------


async def _hashtags(session: AsyncSession, wanted: SearchRequest, q: str) -> list[TagUse]:
    name = q.lstrip("#").lower()
    if not _TAG_NAME.match(name):
        return []
    exact = func.lower(Tag.name) == name
    query = (
        select(Tag)
        .where(func.lower(Tag.name).like(_escape_like(name) + "%", escape="\\"))
        .order_by(case((exact, 0), else_=1), func.length(Tag.name), func.lower(Tag.name))
        .offset(wanted.offset)
        .limit(wanted.limit)
    )
    tags = list(await session.scalars(query))
    return await tag_uses(session, tags)


def _id_at(moment: datetime) -> int:
    """The smallest snowflake id made at ``moment`` (ids sort by time)."""
    ms = int(moment.timestamp() * 1000) - EPOCH_MS
    return max(0, ms) << (NODE_BITS + SEQUENCE_BITS)


async def tag_uses(session: AsyncSession, tags: list[Tag]) -> list[TagUse]:
    """``tags`` with seven days of history (posts and distinct authors per day).

    One query: each day is a range of post ids, since ids carry their time.
    """
    if not tags:
        return []
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS)]
    columns: list[Any] = [StatusTag.tag_id]
    for day in days:
        within = and_(Status.id >= _id_at(day), Status.id < _id_at(day + timedelta(days=1)))
        columns.append(func.count(case((within, literal(1)))))
        columns.append(func.count(func.distinct(case((within, Status.account_id)))))
    query = (
        select(*columns)
        .join(Status, Status.id == StatusTag.status_id)
        .where(StatusTag.tag_id.in_([t.id for t in tags]), Status.id >= _id_at(days[-1]))
        .group_by(StatusTag.tag_id)
    )
    counts = {row[0]: row[1:] for row in (await session.execute(query)).all()}
    return [TagUse(tag, _history(days, counts.get(tag.id))) for tag in tags]


def _history(days: list[datetime], counts: Any) -> list[dict[str, str]]:
    history = []
    for n, day in enumerate(days):
        uses, accounts = (counts[2 * n], counts[2 * n + 1]) if counts else (0, 0)
        history.append(
            {"day": str(int(day.timestamp())), "uses": str(uses), "accounts": str(accounts)}
        )
    return history


# --- statuses ----------------------------------------------------------------------------


def _words(q: str) -> list[str]:
    return [w for w in q.split() if w][:MAX_WORDS]


async def _statuses(session: AsyncSession, wanted: SearchRequest, q: str) -> StatusPage:
    viewer = wanted.viewer_id
    assert viewer is not None
    text = case((Status.text != "", Status.text), else_=Status.content)
    query = select(Status.id).join(Account, Account.id == Status.account_id)
    for word in _words(q):
        query = query.where(text.icontains(word, autoescape=True))
    mentioned = select(Mention.status_id).where(Mention.account_id == viewer)
    query = query.where(
        Status.reblog_of_id.is_(None),
        Account.suspended_at.is_(None),
        or_(
            and_(Status.visibility.in_(("public", "unlisted")), Account.indexable.is_(True)),
            Status.account_id == viewer,
            Status.id.in_(mentioned),
        ),
    )
    if wanted.account_id is not None:
        query = query.where(Status.account_id == wanted.account_id)
    page = Page(max_id=wanted.max_id, min_id=wanted.min_id, limit=wanted.limit)
    paged = apply(query, Status.id, page).offset(wanted.offset)
    ids = newest_first(list(await session.scalars(paged)), page)
    return await visible_page(session, viewer, ids, hide_muted=True)


# --- resolve -----------------------------------------------------------------------------


async def _resolved(
    db: Database, settings: Settings, wanted: SearchRequest, q: str
) -> SearchResults | None:
    """The one account or post ``q`` names, found here or (``resolve``) fetched."""
    found: Account | Status | None = await _local_by_address(db, settings, q)
    if found is None and wanted.resolve and wanted.viewer_id is not None:
        found = await remote_lookup().resolve(db, settings, q)
    if isinstance(found, Account) and wanted.wants("accounts") and is_shown(found):
        async with db.read() as session:
            moved = await moved_targets(session, [found])
        return SearchResults(accounts=[found], moved=moved)
    if isinstance(found, Status) and wanted.wants("statuses"):
        async with db.read() as session:
            page = await visible_page(session, wanted.viewer_id, [found.id], hide_muted=False)
        return SearchResults(statuses=page)
    return None


async def _local_by_address(db: Database, settings: Settings, q: str) -> Account | Status | None:
    async with db.read() as session:
        if looks_like_handle(q):
            username, domain = _handle_parts(q, settings)
            query = select(Account).where(func.lower(Account.username) == username.lower())
            if domain is None:
                query = query.where(Account.domain.is_(None))
            else:
                query = query.where(func.lower(Account.domain) == domain.lower())
            return await session.scalar(query)
        account = await session.scalar(
            select(Account).where(or_(Account.uri == q, Account.url == q))
        )
        if account is not None:
            return account
        local_id = _local_status_id(settings, q)
        by_address = or_(Status.uri == q, Status.url == q)
        if local_id is not None:
            by_address = Status.id == local_id
        return await session.scalar(select(Status).where(by_address, Status.reblog_of_id.is_(None)))


def _local_status_id(settings: Settings, q: str) -> int | None:
    """The id in this server's own post address (``/@user/ID``, ``/users/user/statuses/ID``)."""
    if not q.startswith(settings.base_url + "/"):
        return None
    found = _LOCAL_POST.match(q[len(settings.base_url) :])
    if found is None or len(found.group(1)) > 19:
        return None
    return int(found.group(1))
