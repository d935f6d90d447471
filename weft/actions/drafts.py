"""Drafts and scheduled posts: a post kept to be published later.

A draft (``/api/weft/v1/drafts``, the web composer's "Save draft") and a
scheduled post (Mastodon's ``scheduled_at`` and ``/api/v1/scheduled_statuses``)
are one row, ``ScheduledStatus``, holding the parameters of
``POST /api/v1/statuses`` as a ``Draft`` (``draft_params``); a draft has no
``scheduled_at``. Both are checked when saved as a post is, so what was
accepted publishes unless the world changed meanwhile (the post replied to
was deleted, say). The uploads they name are held (``scheduled_status_id``),
so the sweep of unattached uploads spares them.

A scheduled post is published by the ``statuses.publish_scheduled`` job,
queued with it and due at its time: a committed row, so a restart only
delays it. The job publishes with an Idempotency-Key of its own, so a job
run twice (its worker died after posting) never posts twice; a post that can
no longer be published becomes a draft again, with the reason in ``error``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft import limits
from weft.actions.media import remove_media
from weft.actions.polls import PollDraft
from weft.actions.posts.post import Draft, check_draft, post_status
from weft.actions.spoilers import SpoilerRange
from weft.actions.text_attachments import StyledRange, TextAttachment
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import PUBLISH_SCHEDULED
from weft.jobs.queue import enqueue
from weft.models import MediaAttachment, ScheduledStatus, Status, User
from weft.models.base import utcnow

SCHEDULED_AT = "scheduled_at"


# --- the stored parameters ------------------------------------------------------------


def draft_params(draft: Draft) -> dict[str, Any]:
    """``draft`` as JSON, in the names of Mastodon's ScheduledStatus ``params``
    (with Weft's own beside them)."""
    poll = draft.poll
    return {
        "text": draft.text,
        "visibility": draft.visibility,
        "in_reply_to_id": _str(draft.in_reply_to_id),
        "quoted_status_id": _str(draft.quoted_status_id),
        "quote_approval_policy": draft.quote_policy,
        "reply_policy": draft.reply_policy,
        "spoiler_text": draft.spoiler_text,
        "sensitive": draft.sensitive,
        "language": draft.language,
        "application_id": _str(draft.application_id),
        "media_ids": [str(i) for i in draft.media_ids] or None,
        "poll": None
        if poll is None
        else {
            "options": list(poll.options),
            "expires_in": poll.expires_in,
            "multiple": poll.multiple,
            "hide_totals": poll.hide_totals,
        },
        "is_ghost_post": draft.ghost,
        "text_entities": [
            {"entity_type": "spoiler", "offset": r.offset, "length": r.length}
            for r in draft.text_entities
        ],
        "is_spoiler_media": draft.is_spoiler_media,
        "text_attachment": None
        if draft.text_attachment is None
        else draft.text_attachment.stored(),
        "topic_tag": draft.topic_tag,
        "enable_reply_approvals": draft.reply_approvals,
        "idempotency": None,
        "with_rate_limit": False,
    }


def params_draft(params: dict[str, Any]) -> Draft:
    """The ``Draft`` ``draft_params`` wrote."""
    poll = params.get("poll")
    return Draft(
        text=params.get("text") or "",
        visibility=params.get("visibility"),
        in_reply_to_id=_int(params.get("in_reply_to_id")),
        quoted_status_id=_int(params.get("quoted_status_id")),
        quote_policy=params.get("quote_approval_policy"),
        reply_policy=params.get("reply_policy"),
        spoiler_text=params.get("spoiler_text") or "",
        sensitive=params.get("sensitive"),
        language=params.get("language"),
        application_id=_int(params.get("application_id")),
        media_ids=tuple(int(i) for i in params.get("media_ids") or ()),
        poll=None
        if poll is None
        else PollDraft(
            options=tuple(poll["options"]),
            expires_in=int(poll["expires_in"]),
            multiple=bool(poll["multiple"]),
            hide_totals=bool(poll["hide_totals"]),
        ),
        ghost=bool(params.get("is_ghost_post")),
        text_entities=tuple(
            SpoilerRange(int(e["offset"]), int(e["length"]))
            for e in params.get("text_entities") or ()
        ),
        is_spoiler_media=bool(params.get("is_spoiler_media")),
        text_attachment=_text_attachment(params.get("text_attachment")),
        topic_tag=params.get("topic_tag"),
        reply_approvals=bool(params.get("enable_reply_approvals")),
    )


def _text_attachment(stored: dict[str, Any] | None) -> TextAttachment | None:
    if not stored:
        return None
    return TextAttachment(
        plaintext=stored["plaintext"],
        link_attachment_url=stored.get("link_attachment_url"),
        styling=tuple(
            StyledRange(int(r["offset"]), int(r["length"]), tuple(r["styling_info"]))
            for r in stored.get("text_with_styling_info") or ()
        ),
    )


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


# --- checks -----------------------------------------------------------------------------


def check_scheduled_at(scheduled_at: datetime, now: datetime | None = None) -> None:
    """At least 5 minutes ahead (as Mastodon), at most a year."""
    now = now or utcnow()
    if scheduled_at < now + timedelta(seconds=limits.SCHEDULE_MIN_AHEAD_SECONDS):
        raise Invalid(SCHEDULED_AT, "must be at least 5 minutes in the future", "ERR_TOO_SOON")
    if scheduled_at > now + timedelta(days=limits.SCHEDULE_MAX_AHEAD_DAYS):
        raise Invalid(
            SCHEDULED_AT,
            f"must be at most {limits.SCHEDULE_MAX_AHEAD_DAYS} days in the future",
            "ERR_TOO_LATE",
        )


async def _check_room(
    session: AsyncSession, author_id: int, scheduled_at: datetime | None, exclude: int = 0
) -> None:
    """Mastodon's 300 scheduled posts, 25 of them on one day; 300 drafts."""
    mine = select(func.count()).where(
        ScheduledStatus.account_id == author_id, ScheduledStatus.id != exclude
    )
    if scheduled_at is None:
        drafts = await session.scalar(mine.where(ScheduledStatus.scheduled_at.is_(None)))
        if (drafts or 0) >= limits.MAX_DRAFTS:
            raise Invalid("draft", f"you can keep at most {limits.MAX_DRAFTS} drafts")
        return
    scheduled = await session.scalar(mine.where(ScheduledStatus.scheduled_at.is_not(None)))
    if (scheduled or 0) >= limits.MAX_SCHEDULED:
        raise Invalid(SCHEDULED_AT, f"you can have at most {limits.MAX_SCHEDULED} scheduled posts")
    day = scheduled_at.replace(hour=0, minute=0, second=0, microsecond=0)
    that_day = await session.scalar(
        mine.where(
            ScheduledStatus.scheduled_at >= day,
            ScheduledStatus.scheduled_at < day + timedelta(days=1),
        )
    )
    if (that_day or 0) >= limits.MAX_SCHEDULED_PER_DAY:
        raise Invalid(
            SCHEDULED_AT,
            f"you can schedule at most {limits.MAX_SCHEDULED_PER_DAY} posts on one day (UTC)",
        )


async def _hold_media(
    session: AsyncSession, author_id: int, row_id: int, media_ids: tuple[int, ...]
) -> None:
    """The uploads ``media_ids`` are the row's (and no others are): each must
    be the author's, on no post and held by no other draft."""
    await session.execute(
        update(MediaAttachment)
        .where(
            MediaAttachment.scheduled_status_id == row_id,
            MediaAttachment.id.not_in(media_ids) if media_ids else MediaAttachment.id.is_not(None),
        )
        .values(scheduled_status_id=None)
        .execution_options(synchronize_session=False)
    )
    if not media_ids:
        return
    rows = {
        m.id: m
        for m in await session.scalars(
            select(MediaAttachment).where(MediaAttachment.id.in_(media_ids))
        )
    }
    for media_id in media_ids:
        media = rows.get(media_id)
        if media is None or media.account_id != author_id:
            raise Invalid("media_ids", f"{media_id} is not an upload of yours", "ERR_NOT_FOUND")
        taken = media.status_id is not None or media.former_status_id is not None
        if taken or media.scheduled_status_id not in (None, row_id):
            raise Invalid(
                "media_ids", f"{media_id} is attached to another post or draft", "ERR_TAKEN"
            )
        media.scheduled_status_id = row_id


# --- saving, changing, deleting -----------------------------------------------------------


async def save_draft(
    db: Database, author_id: int, draft: Draft, scheduled_at: datetime | None = None
) -> ScheduledStatus:
    """Keep ``draft`` as a draft, or (with ``scheduled_at``) as a scheduled post."""
    check_draft(draft)
    if scheduled_at is not None:
        check_scheduled_at(scheduled_at)
    async with db.write() as session:
        await _check_room(session, author_id, scheduled_at)
        draft = await _resolved(session, author_id, draft)
        now = utcnow()
        row = ScheduledStatus(
            id=new_id(),
            account_id=author_id,
            scheduled_at=scheduled_at,
            params=draft_params(draft),
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        await session.flush()
        await _hold_media(session, author_id, row.id, draft.media_ids)
        _queue(session, row)
        return row


async def update_draft(
    db: Database, author_id: int, draft_id: int, draft: Draft
) -> ScheduledStatus:
    """Replace a draft's parameters (all of them, as a new ``POST`` would)."""
    check_draft(draft)
    async with db.write() as session:
        row = await own(session, author_id, draft_id, scheduled=False)
        row.params = draft_params(await _resolved(session, author_id, draft))
        row.error = None
        row.updated_at = utcnow()
        await _hold_media(session, author_id, row.id, draft.media_ids)
        return row


async def reschedule(
    db: Database, author_id: int, row_id: int, scheduled_at: datetime, *, scheduled: bool = True
) -> ScheduledStatus:
    """Move a scheduled post to another time, or (``scheduled=False``) schedule a draft."""
    check_scheduled_at(scheduled_at)
    async with db.write() as session:
        row = await own(session, author_id, row_id, scheduled=scheduled)
        await _check_room(session, author_id, scheduled_at, exclude=row.id)
        row.scheduled_at = scheduled_at
        row.error = None
        row.updated_at = utcnow()
        _queue(session, row)
        return row


async def delete_draft(db: Database, author_id: int, row_id: int, *, scheduled: bool) -> None:
    """Delete a draft or a scheduled post, and the uploads it holds with it."""
    async with db.write() as session:
        row = await own(session, author_id, row_id, scheduled=scheduled)
        held = await session.scalars(
            select(MediaAttachment.id).where(
                MediaAttachment.scheduled_status_id == row.id,
                MediaAttachment.status_id.is_(None),
                MediaAttachment.former_status_id.is_(None),
            )
        )
        await remove_media(session, list(held))
        await session.delete(row)


async def own(
    session: AsyncSession, author_id: int, row_id: int, *, scheduled: bool
) -> ScheduledStatus:
    """The author's draft (``scheduled=False``) or scheduled post; 404 otherwise."""
    row = await session.get(ScheduledStatus, row_id)
    if row is None or row.account_id != author_id or (row.scheduled_at is not None) != scheduled:
        raise NotFound()
    return row


async def _resolved(session: AsyncSession, author_id: int, draft: Draft) -> Draft:
    """The draft as kept: its visibility the author's default if not given (as
    Mastodon keeps it), who may quote it "public" if not given, without an
    Idempotency-Key (publishing sets its own)."""
    visibility = draft.visibility
    if visibility is None:
        visibility = await session.scalar(
            select(User.default_privacy).where(User.account_id == author_id)
        )
    return replace(
        draft,
        visibility=visibility or "public",
        quote_policy=draft.quote_policy or "public",
        idempotency_key=None,
    )


def _queue(session: AsyncSession, row: ScheduledStatus) -> None:
    if row.scheduled_at is not None:
        enqueue(session, PUBLISH_SCHEDULED, {"id": row.id}, run_at=row.scheduled_at)


# --- publishing ---------------------------------------------------------------------------


async def publish_draft(db: Database, settings: Settings, author_id: int, draft_id: int) -> Status:
    """Publish a draft now; the draft goes once its post is written. A refusal
    (422, 404) leaves the draft as it was."""
    async with db.read() as session:
        row = await own(session, author_id, draft_id, scheduled=False)
    status = await _publish(db, settings, row, f"weft-draft-{row.id}")
    await _forget(db, row.id)
    return status


async def publish_scheduled(db: Database, settings: Settings, row_id: int) -> None:
    """The ``statuses.publish_scheduled`` job: publish the post if its time
    has come (a job for a time since changed finds it later, and leaves it)."""
    async with db.read() as session:
        row = await session.get(ScheduledStatus, row_id)
    if row is None or row.scheduled_at is None or row.scheduled_at > utcnow():
        return
    try:
        await _publish(db, settings, row, f"weft-scheduled-{row.id}")
    except (Invalid, NotFound) as refused:
        await _unschedule(db, row.id, _reason(refused))
        return
    await _forget(db, row.id)


async def _publish(db: Database, settings: Settings, row: ScheduledStatus, key: str) -> Status:
    draft = replace(params_draft(row.params), idempotency_key=key, held_by=row.id)
    return await post_status(db, settings, row.account_id, draft)


async def _forget(db: Database, row_id: int) -> None:
    async with db.write() as session:
        row = await session.get(ScheduledStatus, row_id)
        if row is not None:
            await session.delete(row)


async def _unschedule(db: Database, row_id: int, reason: str) -> None:
    async with db.write() as session:
        row = await session.get(ScheduledStatus, row_id)
        if row is not None:
            row.scheduled_at = None
            row.error = reason
            row.updated_at = utcnow()


def _reason(refused: Invalid | NotFound) -> str:
    if isinstance(refused, Invalid):
        return f"{refused.field}: {refused.description}"
    return str(refused.args[0]) if refused.args else "a post it needs is gone"
