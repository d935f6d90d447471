"""Reports to this server's moderators: from a local person (about a post, an
account or a chat's messages), or from another server (a ``Flag``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import SEND_FLAG
from weft.jobs.queue import enqueue
from weft.models import Account, Report, Status
from weft.models.base import utcnow
from weft.models.moderation import CATEGORIES

MAX_COMMENT = 1000
MAX_STATUSES = 100


@dataclass(frozen=True)
class ReportForm:
    """``POST /api/v1/reports``, as Mastodon takes it."""

    target_id: int
    status_ids: Sequence[int] = ()
    comment: str = ""
    category: str = "other"
    rule_ids: Sequence[int] = ()
    forward: bool = False
    chat_id: int | None = None
    chat_message_ids: Sequence[int] = field(default_factory=tuple)


async def record_report(
    db: Database,
    reporter_id: int,
    target_id: int,
    status_ids: Sequence[int],
    comment: str,
    *,
    uri: str | None = None,
    chat_id: int | None = None,
    chat_message_ids: Sequence[int] = (),
) -> bool:
    """Store a report (once per ``uri``); False if it was known."""
    values = {
        "id": new_id(),
        "account_id": reporter_id,
        "target_account_id": target_id,
        "status_ids": [str(s) for s in status_ids],
        "comment": comment[:MAX_COMMENT],
        "category": "other",
        "rule_ids": [],
        "forwarded": False,
        "chat_id": chat_id,
        "chat_message_ids": [str(m) for m in chat_message_ids],
        "uri": uri,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    async with db.write() as session:
        return await insert_ignore(session, Report, values)


async def file_report(db: Database, reporter_id: int, form: ReportForm) -> Report:
    """A local person's report; forwarded to a remote account's server as a Flag
    (sent by this server's instance actor, so the reporter stays unnamed)."""
    if form.category not in CATEGORIES:
        raise Invalid("category", f"must be one of {', '.join(CATEGORIES)}")
    if form.category != "violation" and form.rule_ids:
        raise Invalid("rule_ids", "only go with the category violation")
    if len(form.comment) > MAX_COMMENT:
        raise Invalid("comment", f"is longer than {MAX_COMMENT} characters")
    if len(form.status_ids) > MAX_STATUSES:
        raise Invalid("status_ids", f"names more than {MAX_STATUSES} posts")
    if form.target_id == reporter_id:
        raise Invalid("account_id", "is your own account")
    async with db.write() as session:
        target = await session.get(Account, form.target_id)
        if target is None or target.suspended_at is not None:
            raise NotFound("account_id names no account")
        ids = list(dict.fromkeys(form.status_ids))
        if ids:
            found = set(
                await session.scalars(
                    select(Status.id).where(Status.id.in_(ids), Status.account_id == target.id)
                )
            )
            if found != set(ids):
                raise Invalid("status_ids", "names a post that is not the account's")
        report = Report(
            account_id=reporter_id,
            target_account_id=target.id,
            status_ids=[str(i) for i in ids],
            comment=form.comment,
            category=form.category,
            rule_ids=[str(r) for r in dict.fromkeys(form.rule_ids)],
            forwarded=form.forward and target.domain is not None,
            chat_id=form.chat_id,
            chat_message_ids=[str(m) for m in form.chat_message_ids],
        )
        session.add(report)
        await session.flush()
        if report.forwarded:
            enqueue(session, SEND_FLAG, {"report_id": report.id})
        return report
