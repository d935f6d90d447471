"""Reading what moderators handle: the report queue with its context, accounts,
appeals, the audit log; and a person's own warnings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.errors import NotFound
from weft.models import (
    Account,
    AccountWarning,
    AdminActionLog,
    Appeal,
    ChatMessage,
    Report,
    Status,
    User,
)


@dataclass
class ReportContext:
    """A report with what a moderator needs to judge it."""

    report: Report
    accounts: dict[int, Account]
    users: dict[int, User]
    statuses: list[Status] = field(default_factory=list)
    messages: list[ChatMessage] = field(default_factory=list)
    warnings: list[AccountWarning] = field(default_factory=list)


async def _accounts(
    session: AsyncSession, ids: Iterable[int | None]
) -> tuple[dict[int, Account], dict[int, User]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}, {}
    accounts = {
        a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(wanted)))
    }
    users = {
        u.account_id: u
        for u in await session.scalars(select(User).where(User.account_id.in_(wanted)))
    }
    return accounts, users


def _people(report: Report) -> list[int | None]:
    return [
        report.account_id,
        report.target_account_id,
        report.assigned_account_id,
        report.action_taken_by_account_id,
    ]


async def list_reports(
    db: Database,
    *,
    resolved: bool = False,
    target_account_id: int | None = None,
    max_id: int | None = None,
    limit: int = 100,
) -> list[ReportContext]:
    """The queue, newest first: open reports (or resolved ones)."""
    query = select(Report).order_by(Report.id.desc()).limit(limit)
    query = query.where(
        Report.action_taken_at.is_not(None) if resolved else Report.action_taken_at.is_(None)
    )
    if target_account_id is not None:
        query = query.where(Report.target_account_id == target_account_id)
    if max_id is not None:
        query = query.where(Report.id < max_id)
    async with db.read() as session:
        reports = list(await session.scalars(query))
        accounts, users = await _accounts(session, [i for r in reports for i in _people(r)])
        ids = {int(i) for r in reports for i in r.status_ids}
        found = {s.id: s for s in await session.scalars(select(Status).where(Status.id.in_(ids)))}
    return [
        ReportContext(r, accounts, users, [found[int(i)] for i in r.status_ids if int(i) in found])
        for r in reports
    ]


async def report_context(db: Database, report_id: int) -> ReportContext:
    """One report, with its posts (those that remain), chat messages and the
    target's earlier warnings."""
    async with db.read() as session:
        report = await session.get(Report, report_id)
        if report is None:
            raise NotFound()
        accounts, users = await _accounts(session, _people(report))
        ids = [int(i) for i in report.status_ids]
        statuses = list(
            await session.scalars(select(Status).where(Status.id.in_(ids)).order_by(Status.id))
        )
        message_ids = [int(i) for i in report.chat_message_ids]
        messages = list(
            await session.scalars(
                select(ChatMessage).where(ChatMessage.id.in_(message_ids)).order_by(ChatMessage.id)
            )
        )
        warnings = list(
            await session.scalars(
                select(AccountWarning)
                .where(AccountWarning.target_account_id == report.target_account_id)
                .order_by(AccountWarning.id.desc())
            )
        )
    return ReportContext(report, accounts, users, statuses, messages, warnings)


async def admin_accounts(
    db: Database,
    *,
    account_id: int | None = None,
    local: bool | None = None,
    suspended: bool = False,
    silenced: bool = False,
    username: str | None = None,
    max_id: int | None = None,
    limit: int = 100,
) -> list[tuple[Account, User | None]]:
    query = (
        select(Account, User)
        .outerjoin(User, User.account_id == Account.id)
        .order_by(Account.id.desc())
        .limit(limit)
    )
    if account_id is not None:
        query = query.where(Account.id == account_id)
    if local is not None:
        query = query.where(Account.domain.is_(None) if local else Account.domain.is_not(None))
    if suspended:
        query = query.where(Account.suspended_at.is_not(None))
    if silenced:
        query = query.where(Account.silenced_at.is_not(None))
    if username:
        query = query.where(Account.username.ilike(f"%{username}%"))
    if max_id is not None:
        query = query.where(Account.id < max_id)
    async with db.read() as session:
        return [(a, u) for a, u in (await session.execute(query)).all()]


async def admin_account(db: Database, account_id: int) -> tuple[Account, User | None]:
    found = await admin_accounts(db, account_id=account_id, limit=1)
    if not found:
        raise NotFound()
    return found[0]


@dataclass
class AppealRow:
    appeal: Appeal
    warning: AccountWarning
    account: Account


async def open_appeals(db: Database) -> list[AppealRow]:
    """Appeals not yet handled, oldest first."""
    query = (
        select(Appeal, AccountWarning, Account)
        .join(AccountWarning, AccountWarning.id == Appeal.account_warning_id)
        .join(Account, Account.id == Appeal.account_id)
        .where(Appeal.approved_at.is_(None), Appeal.rejected_at.is_(None))
        .order_by(Appeal.id)
    )
    async with db.read() as session:
        return [AppealRow(a, w, acc) for a, w, acc in (await session.execute(query)).all()]


async def audit_log(
    db: Database, *, max_id: int | None = None, limit: int = 100
) -> list[tuple[AdminActionLog, str | None]]:
    """The log, newest first, with each moderator's username."""
    query = (
        select(AdminActionLog, Account.username)
        .outerjoin(Account, Account.id == AdminActionLog.account_id)
        .order_by(AdminActionLog.id.desc())
        .limit(limit)
    )
    if max_id is not None:
        query = query.where(AdminActionLog.id < max_id)
    async with db.read() as session:
        return [(e, u) for e, u in (await session.execute(query)).all()]


async def my_warnings(db: Database, account_id: int) -> list[tuple[AccountWarning, Appeal | None]]:
    query = (
        select(AccountWarning, Appeal)
        .outerjoin(Appeal, Appeal.account_warning_id == AccountWarning.id)
        .where(AccountWarning.target_account_id == account_id)
        .order_by(AccountWarning.id.desc())
    )
    async with db.read() as session:
        return [(w, a) for w, a in (await session.execute(query)).all()]
