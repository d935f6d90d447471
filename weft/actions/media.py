"""Uploading, describing, attaching and removing media (Mastodon's MediaAttachment).

An upload is checked (type from its bytes, size, alt text), stored as received
under an ``uploads/`` key, and recorded with a ``media.process`` job in the
same transaction; the job makes the served files (weft/media/process.py).
Files are removed by the ``media.delete_files`` job, queued in the transaction
that deletes their rows, so a rollback never loses a file still in use.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid
from weft.jobs.kinds import DELETE_FILES, PROCESS_MEDIA, SWEEP_MEDIA
from weft.jobs.queue import enqueue
from weft.limits import MAX_MEDIA_ATTACHMENTS, MEDIA_DESCRIPTION_LIMIT
from weft.media.detect import detect
from weft.media.storage import new_key, storage_for
from weft.models import MediaAttachment
from weft.models.base import utcnow
from weft.queries.media import own_unattached_media

UNATTACHED_LIFETIME = timedelta(hours=24)
SWEEP_BATCH = 500
NOT_READY = "Cannot attach files that have not finished processing. Try again in a moment!"


@dataclass(frozen=True)
class MediaChange:
    """New alt text and focal point; ``None`` keeps the current value."""

    description: str | None = None
    focus: str | None = None


def check_description(description: str | None) -> None:
    if description is not None and len(description) > MEDIA_DESCRIPTION_LIMIT:
        raise Invalid(
            "description",
            f"is too long (maximum is {MEDIA_DESCRIPTION_LIMIT} characters)",
            "ERR_TOO_LONG",
        )


def parse_focus(raw: str | None) -> tuple[float, float] | None:
    """Mastodon's focal point "x,y", each from -1.0 to 1.0 (0,0 is the centre)."""
    if raw is None or raw.strip() == "":
        return None
    parts = raw.split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        raise Invalid("focus", "must be two numbers x,y from -1.0 to 1.0") from None
    if not all(math.isfinite(v) and -1.0 <= v <= 1.0 for v in (x, y)):
        raise Invalid("focus", "must be two numbers x,y from -1.0 to 1.0")
    return x, y


async def upload_media(
    db: Database, settings: Settings, account_id: int, path: Path, change: MediaChange
) -> MediaAttachment:
    """Accept the file at ``path`` (a temporary file the caller removes)."""
    check_description(change.description)
    focus = parse_focus(change.focus) or (0.0, 0.0)
    kind = await asyncio.to_thread(detect, path)
    size = (await asyncio.to_thread(path.stat)).st_size
    media_id = new_id()
    storage = storage_for(settings)
    upload_key = new_key("uploads", account_id, str(media_id), "bin")
    await storage.put_file(upload_key, path, kind.mime)
    try:
        async with db.write() as session:
            media = MediaAttachment(
                id=media_id,
                account_id=account_id,
                type=kind.family,
                state="processing",
                content_type=kind.mime,
                upload_key=upload_key,
                file_size=size,
                meta={},
                description=change.description or None,
                focus_x=focus[0],
                focus_y=focus[1],
                created_at=utcnow(),
            )
            session.add(media)
            enqueue(session, PROCESS_MEDIA, {"media_id": media_id})
            # Each upload schedules the sweep that removes it if never attached.
            sweep_at = media.created_at + UNATTACHED_LIFETIME + timedelta(minutes=5)
            enqueue(session, SWEEP_MEDIA, {}, run_at=sweep_at)
            return media
    except BaseException:
        await storage.delete(upload_key)
        raise


async def update_media(
    db: Database, account_id: int, media_id: int, change: MediaChange
) -> MediaAttachment:
    check_description(change.description)
    focus = parse_focus(change.focus)
    async with db.write() as session:
        media = await own_unattached_media(session, account_id, media_id)
        if change.description is not None:
            media.description = change.description or None
        if focus is not None:
            media.focus_x, media.focus_y = focus
        return media


async def delete_media(db: Database, account_id: int, media_id: int) -> None:
    """Delete an upload not yet attached to a post."""
    async with db.write() as session:
        media = await own_unattached_media(session, account_id, media_id)
        await remove_media(session, [media.id], unattached_only=True)


def media_keys(media: MediaAttachment) -> list[str]:
    return [k for k in (media.upload_key, media.file_key, media.thumbnail_key) if k]


async def remove_media(
    session: AsyncSession, media_ids: list[int], *, unattached_only: bool = False
) -> None:
    """Delete rows and queue the removal of their files, in the caller's transaction.

    ``unattached_only`` spares a row a concurrent post took meanwhile.
    """
    if not media_ids:
        return
    conditions = [MediaAttachment.id.in_(media_ids)]
    if unattached_only:
        conditions.append(MediaAttachment.status_id.is_(None))
        conditions.append(MediaAttachment.former_status_id.is_(None))
        conditions.append(MediaAttachment.scheduled_status_id.is_(None))
        conditions.append(MediaAttachment.chat_message_id.is_(None))
    rows = await session.execute(
        delete(MediaAttachment)
        .where(*conditions)
        .returning(
            MediaAttachment.upload_key, MediaAttachment.file_key, MediaAttachment.thumbnail_key
        )
        .execution_options(synchronize_session=False)
    )
    keys = [key for row in rows for key in row if key]
    if keys:
        enqueue(session, DELETE_FILES, {"keys": keys})


# --- attaching to posts -------------------------------------------------------------


def check_media_ids(media_ids: list[int]) -> None:
    if len(media_ids) > MAX_MEDIA_ATTACHMENTS:
        raise Invalid(
            "media_ids",
            f"can hold at most {MAX_MEDIA_ATTACHMENTS} attachments",
            "ERR_TOO_MANY",
        )
    if len(set(media_ids)) != len(media_ids):
        raise Invalid("media_ids", "must not repeat an attachment")


async def attach_media(
    session: AsyncSession,
    account_id: int,
    status_id: int,
    media_ids: list[int],
    *,
    held_by: int | None = None,
) -> None:
    """Make ``media_ids`` (the author's own, processed uploads, or this post's,
    now or before an edit) the post's attachments, in order; the post's others
    are taken off it but kept for its history (``retire_media``). An upload a
    draft or scheduled post holds is taken only by that one (``held_by``)."""
    check_media_ids(media_ids)
    rows = {
        m.id: m
        for m in await session.scalars(
            select(MediaAttachment).where(
                MediaAttachment.id.in_(media_ids) | (MediaAttachment.status_id == status_id)
            )
        )
    }
    for media_id in media_ids:
        media = rows.get(media_id)
        if media is None or media.account_id != account_id:
            raise Invalid("media_ids", f"{media_id} is not an upload of yours", "ERR_NOT_FOUND")
        if media.status_id not in (None, status_id) or media.former_status_id not in (
            None,
            status_id,
        ):
            raise Invalid("media_ids", f"{media_id} is attached to another post", "ERR_TAKEN")
        if media.scheduled_status_id not in (None, held_by):
            raise Invalid(
                "media_ids", f"{media_id} is held by a draft or scheduled post", "ERR_TAKEN"
            )
        if media.state != "ready":
            raise Invalid("media_ids", _not_ready(media), "ERR_NOT_READY")
    await _claim(session, status_id, media_ids, held_by)
    dropped = [m.id for m in rows.values() if m.status_id == status_id and m.id not in media_ids]
    await retire_media(session, status_id, dropped)


async def retire_media(session: AsyncSession, status_id: int, media_ids: list[int]) -> None:
    """Take ``media_ids`` off the post: no longer shown with it, their files kept
    for the versions that showed them, until the post goes."""
    if media_ids:
        await session.execute(
            update(MediaAttachment)
            .where(MediaAttachment.id.in_(media_ids), MediaAttachment.status_id == status_id)
            .values(status_id=None, former_status_id=status_id)
            .execution_options(synchronize_session=False)
        )


def _not_ready(media: MediaAttachment) -> str:
    if media.state == "failed":
        return f"{media.id} could not be processed: {media.processing_error or 'unknown error'}"
    return NOT_READY


async def _claim(
    session: AsyncSession, status_id: int, media_ids: list[int], held_by: int | None
) -> None:
    """Conditional updates: of two posts (or a post and a draft) taking one
    upload at once, one wins."""
    for position, media_id in enumerate(media_ids):
        result = await session.execute(
            update(MediaAttachment)
            .where(
                MediaAttachment.id == media_id,
                MediaAttachment.status_id.is_(None) | (MediaAttachment.status_id == status_id),
                MediaAttachment.former_status_id.is_(None)
                | (MediaAttachment.former_status_id == status_id),
                MediaAttachment.scheduled_status_id.is_(None)
                | (MediaAttachment.scheduled_status_id == held_by),
            )
            .values(
                status_id=status_id,
                position=position,
                former_status_id=None,
                scheduled_status_id=None,
            )
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) != 1:
            raise Invalid("media_ids", f"{media_id} is attached to another post", "ERR_TAKEN")


def _rowcount(result: object) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount


async def attached_media_ids(session: AsyncSession, status_id: int) -> list[int]:
    rows = await session.scalars(
        select(MediaAttachment.id)
        .where(MediaAttachment.status_id == status_id)
        .order_by(MediaAttachment.position)
    )
    return list(rows)


async def remove_status_media(session: AsyncSession, status_id: int) -> None:
    """A post is being deleted: its attachments, those edits took off it
    included, and their files go with it."""
    ids = await session.scalars(
        select(MediaAttachment.id).where(
            (MediaAttachment.status_id == status_id)
            | (MediaAttachment.former_status_id == status_id)
        )
    )
    await remove_media(session, list(ids))


# --- sweeping -----------------------------------------------------------------------


async def sweep_unattached(db: Database, now: datetime | None = None) -> int:
    """Remove uploads never attached within a day (but those drafts and
    scheduled posts hold); how many went."""
    cutoff = (now or utcnow()) - UNATTACHED_LIFETIME
    async with db.write() as session:
        ids = list(
            await session.scalars(
                select(MediaAttachment.id)
                .where(
                    MediaAttachment.status_id.is_(None),
                    MediaAttachment.former_status_id.is_(None),
                    MediaAttachment.scheduled_status_id.is_(None),  # a draft's
                    MediaAttachment.chat_message_id.is_(None),  # a chat message's
                    MediaAttachment.created_at < cutoff,
                )
                .limit(SWEEP_BATCH)
            )
        )
        await remove_media(session, ids, unattached_only=True)
        if len(ids) == SWEEP_BATCH:
            enqueue(session, SWEEP_MEDIA, {})  # more to do
    return len(ids)
