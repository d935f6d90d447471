"""Notification requests (Mastodon 4.3+): the senders whose notifications a
person's policy kept aside, each with how many and the latest post among
them; and the policy's summary. Written by weft/actions/notification_policy.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.paging import Page, apply
from weft.errors import NotFound
from weft.models import Account, Notification, NotificationPolicy, NotificationRequest, Status
from weft.policies.notifications import DEFAULT_POLICY, PolicyRules
from weft.queries.notifications import hidden_senders
from weft.queries.status_bundle import StatusBundle, load_bundle
from weft.queries.timelines import shown

# Mastodon caps the summary's count of requests.
SUMMARY_CAP = 100


@dataclass
class RequestView:
    request: NotificationRequest
    account: Account
    count: int
    last_status_id: int | None


@dataclass
class RequestPage:
    requests: list[RequestView]
    bundle: StatusBundle
    cursors: list[int] = field(default_factory=list)

    def last_status(self, view: RequestView) -> Status | None:
        """The request's latest post, if the viewer may still see it."""
        if view.last_status_id is None:
            return None
        status = self.bundle.statuses.get(view.last_status_id)
        if status is None or not shown(self.bundle.access, status, hide_muted=False):
            return None
        return status


@dataclass(frozen=True)
class Summary:
    pending_requests_count: int
    pending_notifications_count: int


@dataclass(frozen=True)
class PolicyView:
    rules: PolicyRules
    summary: Summary


POLICY_FIELDS = (
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
    "for_limited_accounts",
)


async def policy_rules(session: AsyncSession, account_id: int) -> PolicyRules:
    """A person's notification policy (no row: Mastodon's defaults)."""
    row = await session.get(NotificationPolicy, account_id)
    if row is None:
        return DEFAULT_POLICY
    return PolicyRules(**{name: getattr(row, name) for name in POLICY_FIELDS})


async def policy_view(db: Database, viewer_id: int) -> PolicyView:
    async with db.read() as session:
        return PolicyView(await policy_rules(session, viewer_id), await summary(session, viewer_id))


def _pending(viewer_id: int) -> list[ColumnElement[bool]]:
    return [NotificationRequest.account_id == viewer_id, NotificationRequest.state == "pending"]


async def requests(db: Database, viewer_id: int, page: Page) -> RequestPage:
    """The pending requests, the most recently made first."""
    async with db.read() as session:
        query = select(NotificationRequest).where(*_pending(viewer_id))
        rows = list(await session.scalars(apply(query, NotificationRequest.id, page)))
        rows = rows[::-1] if page.ascending else rows
        return await _views(session, viewer_id, rows)


async def request(db: Database, viewer_id: int, request_id: int) -> RequestPage:
    async with db.read() as session:
        row = await session.scalar(
            select(NotificationRequest).where(
                *_pending(viewer_id),
                NotificationRequest.id == request_id,
            )
        )
        found = await _views(session, viewer_id, [row] if row else [])
        if not found.requests:
            raise NotFound()
        return found


async def _views(
    session: AsyncSession, viewer_id: int, rows: list[NotificationRequest]
) -> RequestPage:
    senders = [r.from_account_id for r in rows]
    counts: dict[int, int] = {}
    latest: dict[int, int] = {}
    if senders:
        kept = (
            Notification.account_id == viewer_id,
            Notification.from_account_id.in_(senders),
            Notification.filtered.is_(True),
        )
        for sender, count in await session.execute(
            select(Notification.from_account_id, func.count())
            .where(*kept)
            .group_by(Notification.from_account_id)
        ):
            counts[sender] = int(count)
        for sender, status_id in await session.execute(
            select(Notification.from_account_id, func.max(Notification.status_id))
            .where(*kept, Notification.status_id.is_not(None))
            .group_by(Notification.from_account_id)
        ):
            if status_id is not None:
                latest[sender] = int(status_id)
    accounts = {
        a.id: a
        for a in await session.scalars(select(Account).where(Account.id.in_(senders)))
        if a.suspended_at is None
    }
    # A sender since blocked or muted is no longer asked about.
    for hidden in await hidden_senders(session, viewer_id, accounts):
        accounts.pop(hidden, None)
    statuses = []
    if latest:
        wanted = list(latest.values())
        statuses = list(await session.scalars(select(Status).where(Status.id.in_(wanted))))
    bundle = await load_bundle(session, viewer_id, statuses)
    views = [
        RequestView(
            r,
            accounts[r.from_account_id],
            counts.get(r.from_account_id, 0),
            latest.get(r.from_account_id),
        )
        for r in rows
        if r.from_account_id in accounts
    ]
    return RequestPage(views, bundle, [r.id for r in rows])


async def summary(session: AsyncSession, viewer_id: int) -> Summary:
    pending = (
        select(NotificationRequest.from_account_id)
        .where(*_pending(viewer_id))
        .limit(SUMMARY_CAP)
        .subquery()
    )
    request_count = await session.scalar(select(func.count()).select_from(pending))
    notification_count = await session.scalar(
        select(func.count()).where(
            Notification.account_id == viewer_id,
            Notification.filtered.is_(True),
            Notification.from_account_id.in_(select(pending.c.from_account_id)),
        )
    )
    return Summary(int(request_count or 0), int(notification_count or 0))
