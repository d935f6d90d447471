"""What moderators do: handle reports, act on accounts and posts, answer appeals.

Every action is written to the audit log (``admin_action_logs``) in the same
transaction. An action on a local account is also a warning the person sees
(``account_warnings``), which they may appeal once; approving the appeal
undoes the action.

A suspension (as Mastodon's): the account's tokens answer 403 and its web
sessions end, its posts disappear from every door (they are withheld as
archived posts are, ``archived_at`` set to the suspension's instant so that
lifting it brings back exactly those), and its followers' servers are told
with an ``Update`` of the actor carrying ``suspended: true``
(weft/federation/moderation.py). Silence (Mastodon's "limit"): the
account's posts leave public timelines for people who do not follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.outbox import publish
from weft.actions.posts.delete import delete_status
from weft.activity_kinds import ActivityKind
from weft.db.database import Database
from weft.errors import Conflict, Forbidden, Invalid, NotFound
from weft.jobs.kinds import TELL_SUSPENSION
from weft.jobs.queue import enqueue
from weft.models import (
    Account,
    AccountWarning,
    AdminActionLog,
    Appeal,
    Report,
    Status,
    User,
    WebSession,
)
from weft.models.base import utcnow
from weft.models.moderation import CATEGORIES

# Mastodon's account action types (POST /api/v1/admin/accounts/:id/action).
ACCOUNT_ACTIONS = ("none", "sensitive", "disable", "silence", "suspend")
UNDO_ACTIONS = ("unsilence", "unsuspend", "unsensitive", "enable")
MAX_TEXT = 5000
MAX_APPEAL = 2000


def _log(
    session: AsyncSession, moderator_id: int, action: str, kind: str, target: int, summary: str
) -> None:
    session.add(
        AdminActionLog(
            account_id=moderator_id,
            action=action,
            target_type=kind,
            target_id=target,
            summary=summary,
        )
    )


async def _report(session: AsyncSession, report_id: int) -> Report:
    report = await session.get(Report, report_id, with_for_update=True)
    if report is None:
        raise NotFound()
    return report


# --- reports ----------------------------------------------------------------------


async def assign_report(
    db: Database, moderator_id: int, report_id: int, *, to_self: bool
) -> Report:
    async with db.write() as session:
        report = await _report(session, report_id)
        report.assigned_account_id = moderator_id if to_self else None
        action = "assign_to_self" if to_self else "unassign"
        _log(session, moderator_id, action, "report", report.id, f"{action} report {report.id}")
        return report


async def resolve_report(
    db: Database, moderator_id: int, report_id: int, *, resolved: bool
) -> Report:
    async with db.write() as session:
        report = await _report(session, report_id)
        _resolve(report, moderator_id, resolved)
        action = "resolve" if resolved else "reopen"
        _log(session, moderator_id, action, "report", report.id, f"{action} report {report.id}")
        return report


def _resolve(report: Report, moderator_id: int, resolved: bool) -> None:
    report.action_taken_at = utcnow() if resolved else None
    report.action_taken_by_account_id = moderator_id if resolved else None


async def update_report(
    db: Database,
    moderator_id: int,
    report_id: int,
    category: str | None,
    rule_ids: Sequence[int] | None,
) -> Report:
    if category is not None and category not in CATEGORIES:
        raise Invalid("category", f"must be one of {', '.join(CATEGORIES)}")
    async with db.write() as session:
        report = await _report(session, report_id)
        if category is not None:
            report.category = category
        if rule_ids is not None:
            report.rule_ids = [str(r) for r in rule_ids]
        _log(session, moderator_id, "update", "report", report.id, f"update report {report.id}")
        return report


# --- accounts ---------------------------------------------------------------------


async def act_on_account(
    db: Database,
    moderator_id: int,
    target_id: int,
    action: str,
    *,
    report_id: int | None = None,
    text: str = "",
) -> AccountWarning | None:
    """Mastodon's account action: ``none`` (a warning), ``sensitive``,
    ``disable``, ``silence`` or ``suspend``; the report it answers is resolved.
    Returns the warning the person sees (None for a remote account)."""
    if action not in ACCOUNT_ACTIONS:
        raise Invalid("type", f"must be one of {', '.join(ACCOUNT_ACTIONS)}")
    if len(text) > MAX_TEXT:
        raise Invalid("text", f"is longer than {MAX_TEXT} characters")
    async with db.write() as session:
        target = await session.get(Account, target_id, with_for_update=True)
        if target is None:
            raise NotFound()
        if target.id == moderator_id:
            raise Forbidden("Moderators do not act on their own account")
        user = await _user(session, target)
        if user is not None and user.role in ("admin", "moderator") and action != "none":
            raise Forbidden("Staff accounts cannot be acted on")
        report = None
        if report_id is not None:
            report = await _report(session, report_id)
            if report.target_account_id != target.id:
                raise Invalid("report_id", "is a report about another account")
        now = utcnow()
        if action == "sensitive":
            target.sensitized_at = now
        elif action == "silence":
            target.silenced_at = now
        elif action == "disable":
            if user is None:
                raise Invalid("type", "disable is for local accounts")
            user.disabled = True
            await _end_sessions(session, user.id)
        elif action == "suspend":
            await _suspend(session, target, now)
            if user is not None:
                await _end_sessions(session, user.id)
        if report is not None:
            _resolve(report, moderator_id, True)
        warning = None
        if target.is_local:
            warning = AccountWarning(
                account_id=moderator_id,
                target_account_id=target.id,
                report_id=report_id,
                action=action,
                text=text,
                status_ids=list(report.status_ids) if report is not None else [],
            )
            session.add(warning)
        about = f" (report {report_id})" if report_id is not None else ""
        _log(
            session,
            moderator_id,
            action,
            "account",
            target.id,
            f"{action} @{target.username}{about}",
        )
        await session.flush()
        return warning


async def undo_on_account(db: Database, moderator_id: int, target_id: int, action: str) -> Account:
    """``unsilence``, ``unsuspend``, ``unsensitive`` or ``enable``."""
    if action not in UNDO_ACTIONS:
        raise Invalid("action", f"must be one of {', '.join(UNDO_ACTIONS)}")
    async with db.write() as session:
        target = await session.get(Account, target_id, with_for_update=True)
        if target is None:
            raise NotFound()
        await _undo(session, target, action)
        _log(session, moderator_id, action, "account", target.id, f"{action} @{target.username}")
        return target


async def _undo(session: AsyncSession, target: Account, action: str) -> None:
    if action == "unsilence":
        target.silenced_at = None
    elif action == "unsensitive":
        target.sensitized_at = None
    elif action == "enable":
        user = await _user(session, target)
        if user is not None:
            user.disabled = False
    elif action == "unsuspend" and target.suspended_at is not None:
        if target.domain is not None:
            raise Forbidden("A remote account's suspension by its own server cannot be lifted here")
        await session.execute(
            update(Status)
            .where(Status.account_id == target.id, Status.archived_at == target.suspended_at)
            .values(archived_at=None)
        )
        target.suspended_at = None
        enqueue(session, TELL_SUSPENSION, {"account_id": target.id})


async def _suspend(session: AsyncSession, target: Account, now: datetime) -> None:
    if target.suspended_at is not None:
        raise Conflict("The account is already suspended")
    if target.is_local:
        # Withheld everywhere, as archived posts are; lifting it brings back these.
        await session.execute(
            update(Status)
            .where(Status.account_id == target.id, Status.archived_at.is_(None))
            .values(archived_at=now)
        )
        enqueue(session, TELL_SUSPENSION, {"account_id": target.id})
    target.suspended_at = now


async def _user(session: AsyncSession, account: Account) -> User | None:
    if not account.is_local:
        return None
    return await session.scalar(select(User).where(User.account_id == account.id))


async def _end_sessions(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(WebSession).where(WebSession.user_id == user_id))


# --- posts ------------------------------------------------------------------------


async def moderate_status(
    db: Database,
    moderator_id: int,
    status_id: int,
    action: str,
    *,
    report_id: int | None = None,
    text: str = "",
) -> None:
    """``delete`` a post, or mark it ``sensitive``; its author is warned."""
    if action not in ("delete", "sensitive"):
        raise Invalid("action", "must be delete or sensitive")
    async with db.read() as session:
        status = await session.get(Status, status_id)
        if status is None:
            raise NotFound()
        author = await session.get(Account, status.account_id)
    assert author is not None
    if action == "delete":
        if author.is_local:
            await delete_status(db, author.id, status.id)
        else:
            async with db.write() as session:
                row = await session.get(Status, status.id)
                if row is not None:
                    await session.delete(row)
    else:
        async with db.write() as session:
            row = await session.get(Status, status.id, with_for_update=True)
            if row is not None and not row.sensitive:
                row.sensitive = True
                await publish(session, ActivityKind.UPDATE, author.id, status_id=row.id)
    warned = "delete_statuses" if action == "delete" else "mark_statuses_as_sensitive"
    async with db.write() as session:
        if report_id is not None:
            _resolve(await _report(session, report_id), moderator_id, True)
        if author.is_local:
            session.add(
                AccountWarning(
                    account_id=moderator_id,
                    target_account_id=author.id,
                    report_id=report_id,
                    action=warned,
                    text=text,
                    status_ids=[str(status.id)],
                )
            )
        _log(
            session,
            moderator_id,
            warned,
            "status",
            status.id,
            f"{warned}: post {status.id} by @{author.username}",
        )


# --- appeals ----------------------------------------------------------------------


async def file_appeal(db: Database, account_id: int, warning_id: int, text: str) -> Appeal:
    """The person appeals a warning: once each."""
    text = text.strip()
    if not text:
        raise Invalid("text", "is empty")
    if len(text) > MAX_APPEAL:
        raise Invalid("text", f"is longer than {MAX_APPEAL} characters")
    async with db.write() as session:
        warning = await session.get(AccountWarning, warning_id)
        if warning is None or warning.target_account_id != account_id:
            raise NotFound()
        if await session.scalar(select(Appeal.id).where(Appeal.account_warning_id == warning.id)):
            raise Conflict("This warning was appealed already")
        appeal = Appeal(account_id=account_id, account_warning_id=warning.id, text=text)
        session.add(appeal)
        await session.flush()
        return appeal


async def handle_appeal(
    db: Database, moderator_id: int, appeal_id: int, *, approve: bool
) -> Appeal:
    """Approve (the warning's action is undone) or reject an appeal."""
    async with db.write() as session:
        appeal = await session.get(Appeal, appeal_id, with_for_update=True)
        if appeal is None:
            raise NotFound()
        if appeal.approved_at is not None or appeal.rejected_at is not None:
            raise Conflict("This appeal was handled already")
        warning = await session.get(AccountWarning, appeal.account_warning_id)
        target = await session.get(Account, appeal.account_id, with_for_update=True)
        assert warning is not None
        assert target is not None
        now = utcnow()
        appeal.handled_by_account_id = moderator_id
        if approve:
            appeal.approved_at = now
            warning.overruled_at = now
            undo = {
                "suspend": "unsuspend",
                "silence": "unsilence",
                "sensitive": "unsensitive",
                "disable": "enable",
            }.get(warning.action)
            if undo is not None:
                await _undo(session, target, undo)
        else:
            appeal.rejected_at = now
        verdict = "approve_appeal" if approve else "reject_appeal"
        _log(
            session,
            moderator_id,
            verdict,
            "appeal",
            appeal.id,
            f"{verdict} of @{target.username} ({warning.action})",
        )
        return appeal
