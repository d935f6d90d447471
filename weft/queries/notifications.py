"""Notifications, one by one (v1) and grouped (v2), and read markers.

A notification is shown only while its post is one the viewer may see (a
post turned followers-only, or a block since, hides it) and its sender is
neither blocked either way nor muted, nor a stranger on a server under a
"limit" domain block (``weft.policies.notifications``), and it was not kept
aside by a notification policy (``Notification.filtered``; its sender's
request lists them: ``requests``). Each page loads in a fixed number of
queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.paging import Page, apply
from weft.errors import NotFound
from weft.models import Account, Marker, Notification, Status
from weft.models.feeds import GROUPED_NOTIFICATION_TYPES
from weft.policies.notifications import sender_hidden
from weft.queries.domain_blocks import blocked_domains
from weft.queries.relations import relations
from weft.queries.status_bundle import StatusBundle, load_bundle
from weft.queries.timelines import shown

SAMPLE_ACCOUNTS = 8
MARKER_TIMELINES = ("home", "notifications")


@dataclass(frozen=True)
class NotificationFilter:
    types: tuple[str, ...] = ()
    exclude_types: tuple[str, ...] = ()
    account_id: int | None = None
    # Also what a notification policy kept aside (Mastodon's ``include_filtered``).
    include_filtered: bool = False


@dataclass
class NotificationPage:
    notifications: list[Notification]
    accounts: dict[int, Account]
    bundle: StatusBundle
    cursors: list[int] = field(default_factory=list)


@dataclass
class Group:
    key: str
    latest: Notification  # the group's most recent notification in the page
    count: int
    page_min_id: int
    page_max_id: int
    sample_account_ids: list[int]


@dataclass
class GroupPage:
    groups: list[Group]
    accounts: dict[int, Account]
    bundle: StatusBundle
    cursors: list[int] = field(default_factory=list)


def _conditions(viewer_id: int, wanted: NotificationFilter) -> list[ColumnElement[bool]]:
    conditions = [Notification.account_id == viewer_id]
    if not wanted.include_filtered:
        conditions.append(Notification.filtered.is_(False))
    if wanted.types:
        conditions.append(Notification.type.in_(wanted.types))
    if wanted.exclude_types:
        conditions.append(Notification.type.not_in(wanted.exclude_types))
    if wanted.account_id is not None:
        conditions.append(Notification.from_account_id == wanted.account_id)
    return conditions


async def notifications(
    db: Database, viewer_id: int, wanted: NotificationFilter, page: Page
) -> NotificationPage:
    async with db.read() as session:
        query = select(Notification).where(*_conditions(viewer_id, wanted))
        rows = list(await session.scalars(apply(query, Notification.id, page)))
        rows = rows[::-1] if page.ascending else rows
        return await _shown(session, viewer_id, rows)


async def notification(db: Database, viewer_id: int, notification_id: int) -> NotificationPage:
    async with db.read() as session:
        row = await session.scalar(
            select(Notification).where(
                Notification.id == notification_id, Notification.account_id == viewer_id
            )
        )
        found = await _shown(session, viewer_id, [row] if row else [])
        if not found.notifications:
            raise NotFound()
        return found


async def _shown(
    session: AsyncSession, viewer_id: int, rows: Sequence[Notification]
) -> NotificationPage:
    """Load what ``rows`` show and keep those the viewer may still see."""
    accounts, bundle = await _load(session, viewer_id, rows, {n.from_account_id for n in rows})
    hidden = await hidden_senders(session, viewer_id, accounts)
    kept = [
        n
        for n in rows
        if n.from_account_id in accounts
        and n.from_account_id not in hidden
        and (n.status_id is None or _status_shown(bundle, n.status_id))
    ]
    return NotificationPage(kept, accounts, bundle, [n.id for n in rows])


async def hidden_senders(
    session: AsyncSession, viewer_id: int, accounts: dict[int, Account]
) -> set[int]:
    """The senders whose notifications the viewer does not see (the policy)."""
    rels = await relations(session, viewer_id, accounts)
    limited = await blocked_domains(session, ("limit",))
    return {
        account.id
        for account in accounts.values()
        if sender_hidden(
            rels.get(account.id),
            limited_server=account.domain is not None and limited.matches(account.domain),
        )
    }


def _status_shown(bundle: StatusBundle, status_id: int) -> bool:
    status = bundle.statuses.get(status_id)
    return status is not None and shown(bundle.access, status, hide_muted=True)


async def _load(
    session: AsyncSession, viewer_id: int, rows: Sequence[Notification], account_ids: set[int]
) -> tuple[dict[int, Account], StatusBundle]:
    accounts: dict[int, Account] = {}
    if account_ids:
        found = await session.scalars(select(Account).where(Account.id.in_(account_ids)))
        accounts = {a.id: a for a in found if a.suspended_at is None}
    status_ids = {n.status_id for n in rows if n.status_id is not None}
    statuses = []
    if status_ids:
        statuses = list(await session.scalars(select(Status).where(Status.id.in_(status_ids))))
    return accounts, await load_bundle(session, viewer_id, statuses)


async def grouped_notifications(
    db: Database,
    viewer_id: int,
    wanted: NotificationFilter,
    grouped_types: Sequence[str] | None,
    page: Page,
) -> GroupPage:
    """Up to ``page.limit`` groups, newest first (Mastodon's /api/v2/notifications)."""
    groupable = tuple(
        GROUPED_NOTIFICATION_TYPES
        if grouped_types is None
        else set(grouped_types) & GROUPED_NOTIFICATION_TYPES
    )
    key = case(
        (Notification.type.in_(groupable), Notification.group_key),
        else_=literal("ungrouped-") + cast(Notification.id, String),
    )
    window = apply(
        select(Notification.id, key.label("key")).where(*_conditions(viewer_id, wanted)),
        Notification.id,
        Page(page.max_id, page.since_id, page.min_id, limit=10**9),
    ).subquery()
    newest = func.max(window.c.id)
    heads = (
        select(window.c.key, newest, func.min(window.c.id), func.count())
        .group_by(window.c.key)
        .order_by(newest.asc() if page.ascending else newest.desc())
        .limit(page.limit)
    )
    async with db.read() as session:
        summary = [tuple(r) for r in (await session.execute(heads)).all()]
        summary = summary[::-1] if page.ascending else summary
        samples = await _samples(session, window, [r[0] for r in summary])
        return await _groups(session, viewer_id, summary, samples)


async def _samples(session: AsyncSession, window: Any, keys: list[str]) -> dict[str, list[int]]:
    """The most recent senders of each group (up to ``SAMPLE_ACCOUNTS``), one query."""
    if not keys:
        return {}
    rank = func.row_number().over(partition_by=window.c.key, order_by=window.c.id.desc())
    ranked = (
        select(window.c.key, Notification.from_account_id, rank.label("rank"))
        .join(Notification, Notification.id == window.c.id)
        .where(window.c.key.in_(keys))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.key, ranked.c.from_account_id)
        .where(ranked.c.rank <= SAMPLE_ACCOUNTS)
        .order_by(ranked.c.rank)
    )
    samples: dict[str, list[int]] = {}
    for group_key, account_id in rows:
        samples.setdefault(group_key, []).append(account_id)
    return samples


async def _groups(
    session: AsyncSession,
    viewer_id: int,
    summary: list[tuple[Any, ...]],
    samples: dict[str, list[int]],
) -> GroupPage:
    latest_ids = [int(r[1]) for r in summary]
    latest = {
        n.id: n
        for n in await session.scalars(select(Notification).where(Notification.id.in_(latest_ids)))
    }
    senders = {a for ids in samples.values() for a in ids}
    accounts, bundle = await _load(session, viewer_id, list(latest.values()), senders)
    hidden = await hidden_senders(session, viewer_id, accounts)
    groups = []
    for key, max_id, min_id, count in summary:
        head = latest.get(int(max_id))
        if head is None or (head.status_id and not _status_shown(bundle, head.status_id)):
            continue
        sample = [a for a in samples.get(key, []) if a in accounts and a not in hidden]
        if sample:
            groups.append(Group(key, head, int(count), int(min_id), int(max_id), sample))
    cursors = [int(summary[0][1]), int(summary[-1][2])] if summary else []
    return GroupPage(groups, accounts, bundle, cursors)


async def unread(db: Database, viewer_id: int, limit: int) -> NotificationPage:
    """Up to ``limit`` notifications past the read marker, kept aside ones left
    out, with what they show (the caller drops those its filters hide)."""
    async with db.read() as session:
        last_read = await session.scalar(
            select(Marker.last_read_id).where(
                Marker.account_id == viewer_id, Marker.timeline == "notifications"
            )
        )
        rows = await session.scalars(
            select(Notification)
            .where(
                *_conditions(viewer_id, NotificationFilter()),
                Notification.id > (last_read or 0),
            )
            .order_by(Notification.id.desc())
            .limit(limit)
        )
        return await _shown(session, viewer_id, list(rows))


async def markers(db: Database, viewer_id: int, timelines: Sequence[str]) -> list[Marker]:
    wanted = [t for t in timelines if t in MARKER_TIMELINES]
    if not wanted:
        return []
    async with db.read() as session:
        found = await session.scalars(
            select(Marker).where(Marker.account_id == viewer_id, Marker.timeline.in_(wanted))
        )
        return list(found)
