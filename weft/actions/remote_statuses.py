"""Posts written on other servers: stored, edited and deleted as their authors do.

The inbox (``weft.federation.inbox``) and on-demand fetches
(``weft.federation.remote``) read a Note into a :class:`RemoteNote` (content
already sanitized, parent, quote and mentioned accounts already resolved);
these actions write it with the same consequences as a local post: mentions
and their notifications (local people only), hashtags, counters, the
``timelines.fan_out`` job into local followers' home feeds, subscribers'
notifications and the link card. Deleting goes through
``weft.actions.statuses.delete_status``, as the author's own delete would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.cards import enqueue_card
from weft.actions.media import remove_status_media
from weft.actions.notifications import notify
from weft.actions.statuses import (
    _count_new,
    _ensure_original_version,
    _link_tags,
    _notify_edit,
    _upsert_tags,
    delete_status,
)
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import NotFound
from weft.jobs.kinds import FAN_OUT, FETCH_REMOTE_MEDIA, NOTIFY_SUBSCRIBERS
from weft.jobs.queue import enqueue
from weft.models import Account, MediaAttachment, Mention, Status, StatusTag
from weft.models.base import utcnow
from weft.policies.statuses import PUBLIC_VISIBILITIES
from weft.queries.statuses import version_of
from weft.text.remote import plain_text

MAX_MEDIA = 20


@dataclass(frozen=True)
class RemoteMedia:
    url: str
    type: str  # image | gifv | video | audio | unknown
    content_type: str | None = None
    description: str | None = None
    blurhash: str | None = None
    width: int | None = None
    height: int | None = None
    focus: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class RemoteNote:
    """A remote post, read and resolved against our database."""

    uri: str
    account_id: int
    content: str  # sanitized HTML
    visibility: str
    created_at: datetime
    url: str | None = None
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    edited_at: datetime | None = None
    in_reply_to_id: int | None = None
    quote_of_id: int | None = None
    mentioned_ids: Sequence[int] = ()
    # Recipients we found in to/cc but not in the tags: they may see it, silently.
    silent_ids: Sequence[int] = ()
    tags: Sequence[str] = ()
    media: Sequence[RemoteMedia] = field(default_factory=tuple)


async def create_remote_status(db: Database, note: RemoteNote) -> Status:
    """Store ``note``; a post already stored (same ``uri``) is returned as it is."""
    async with db.write() as session:
        existing = await session.scalar(select(Status).where(Status.uri == note.uri))
        if existing is not None:
            return existing
        parent = await session.get(Status, note.in_reply_to_id) if note.in_reply_to_id else None
        quoted = await session.get(Status, note.quote_of_id) if note.quote_of_id else None
        status_id = new_id()
        if not await insert_ignore(session, Status, _row(status_id, note, parent, quoted)):
            raced = await session.scalar(select(Status).where(Status.uri == note.uri))
            if raced is None:
                raise NotFound()
            return raced
        status = await session.get(Status, status_id)
        assert status is not None
        await _add_mentions(session, status, note, parent)
        _link_tags(session, status.id, await _upsert_tags(session, list(note.tags)))
        _add_media(session, status, note.media)
        await _count_new(session, status, parent, quoted)
        if quoted is not None:
            await notify(
                session,
                recipient_id=quoted.account_id,
                from_account_id=status.account_id,
                type="quote",
                status_id=status.id,
            )
        enqueue(session, FAN_OUT, {"status_id": status.id})
        enqueue(session, NOTIFY_SUBSCRIBERS, {"status_id": status.id})
        if not note.media:
            enqueue_card(session, status)
        return status


def _row(
    status_id: int, note: RemoteNote, parent: Status | None, quoted: Status | None
) -> dict[str, Any]:
    public = note.visibility in PUBLIC_VISIBILITIES
    return {
        "id": status_id,
        "account_id": note.account_id,
        "uri": note.uri,
        "url": note.url,
        "text": plain_text(note.content),
        "content": note.content,
        "spoiler_text": note.spoiler_text,
        "sensitive": note.sensitive or bool(note.spoiler_text),
        "visibility": note.visibility,
        "language": note.language,
        "in_reply_to_id": parent.id if parent else None,
        "in_reply_to_account_id": parent.account_id if parent else None,
        "conversation_id": (parent.conversation_id or parent.id) if parent else status_id,
        "quote_of_id": quoted.id if quoted else None,
        "quote_state": "accepted" if quoted else None,
        "quote_policy": "public" if public else "nobody",
        "reply_policy": "everyone",
        # Never in the future: a wrong clock must not pin a post atop every feed.
        "created_at": min(note.created_at, utcnow()),
        "edited_at": note.edited_at,
    }


async def _add_mentions(
    session: AsyncSession, status: Status, note: RemoteNote, parent: Status | None
) -> None:
    """Mention rows for everyone tagged (and silently for other local recipients);
    notifications for the local ones, and for the local author of the parent."""
    mentioned = set(note.mentioned_ids) - {status.account_id}
    silent = set(note.silent_ids) - mentioned - {status.account_id}
    for account_id in sorted(mentioned):
        session.add(Mention(status_id=status.id, account_id=account_id))
    for account_id in sorted(silent):
        session.add(Mention(status_id=status.id, account_id=account_id, silent=True))
    await session.flush()
    to_notify = set(mentioned)
    if parent is not None:
        to_notify.add(parent.account_id)
    for account_id in sorted(await _local(session, to_notify - {status.account_id})):
        await notify(
            session,
            recipient_id=account_id,
            from_account_id=status.account_id,
            type="mention",
            status_id=status.id,
        )


async def _local(session: AsyncSession, account_ids: set[int]) -> set[int]:
    if not account_ids:
        return set()
    rows = await session.scalars(
        select(Account.id).where(Account.id.in_(account_ids), Account.domain.is_(None))
    )
    return set(rows)


def _add_media(session: AsyncSession, status: Status, media: Sequence[RemoteMedia]) -> None:
    """Rows served from their remote URL until ``media.fetch_remote`` has made
    our copy (weft/actions/remote_media.py)."""
    for position, item in enumerate(media[:MAX_MEDIA]):
        meta: dict[str, Any] = {}
        if item.width and item.height:
            meta["original"] = {
                "width": item.width,
                "height": item.height,
                "size": f"{item.width}x{item.height}",
                "aspect": item.width / item.height,
            }
        media_id = new_id()
        session.add(
            MediaAttachment(
                id=media_id,
                account_id=status.account_id,
                status_id=status.id,
                position=position,
                type=item.type,
                state="ready",
                content_type=item.content_type,
                remote_url=item.url,
                description=item.description,
                blurhash=item.blurhash,
                meta=meta,
                focus_x=item.focus[0],
                focus_y=item.focus[1],
                created_at=utcnow(),
                processed_at=utcnow(),
            )
        )
        enqueue(session, FETCH_REMOTE_MEDIA, {"media_id": media_id})


async def update_remote_status(db: Database, note: RemoteNote) -> Status | None:
    """Apply an edit of a stored post by its author; ``None`` if we do not have it.

    The first edit keeps the original as the first version (``StatusEdit``), as
    a local edit does; those who reposted or quoted it are notified.
    """
    async with db.write() as session:
        status = await session.scalar(
            select(Status).where(Status.uri == note.uri, Status.account_id == note.account_id)
        )
        if status is None:
            return None
        media_urls = list(
            await session.scalars(
                select(MediaAttachment.remote_url)
                .where(MediaAttachment.status_id == status.id)
                .order_by(MediaAttachment.position)
            )
        )
        unchanged = (status.content, status.spoiler_text, status.sensitive, media_urls) == (
            note.content,
            note.spoiler_text,
            note.sensitive or bool(note.spoiler_text),
            [m.url for m in note.media[:MAX_MEDIA]],
        )
        if unchanged:
            return status
        await _ensure_original_version(session, status)
        status.content, status.text = note.content, plain_text(note.content)
        status.spoiler_text = note.spoiler_text
        status.sensitive = note.sensitive or bool(note.spoiler_text)
        status.language = note.language or status.language
        status.edited_at = note.edited_at or utcnow()
        session.add(version_of(status, status.edited_at))
        await _replace_mentions(session, status, note)
        await session.execute(delete(StatusTag).where(StatusTag.status_id == status.id))
        _link_tags(session, status.id, await _upsert_tags(session, list(note.tags)))
        await remove_status_media(session, status.id)
        _add_media(session, status, note.media)
        await _notify_edit(session, status)
        enqueue_card(session, status, edited=True)
        return status


async def _replace_mentions(session: AsyncSession, status: Status, note: RemoteNote) -> None:
    rows = list(await session.scalars(select(Mention).where(Mention.status_id == status.id)))
    wanted = set(note.mentioned_ids) - {status.account_id}
    existing = {m.account_id for m in rows}
    for row in rows:
        if not row.silent and row.account_id not in wanted:
            await session.delete(row)
    added = wanted - existing
    for account_id in sorted(added):
        session.add(Mention(status_id=status.id, account_id=account_id))
    await session.flush()
    for account_id in sorted(await _local(session, added)):
        await notify(
            session,
            recipient_id=account_id,
            from_account_id=status.account_id,
            type="mention",
            status_id=status.id,
        )


async def delete_remote_status(db: Database, account_id: int, uri: str) -> bool:
    """Delete the post ``uri`` if ``account_id`` wrote it; False if there was none."""
    async with db.read() as session:
        status_id = await session.scalar(
            select(Status.id).where(Status.uri == uri, Status.account_id == account_id)
        )
    if status_id is None:
        return False
    try:
        await delete_status(db, account_id, status_id)
    except NotFound:  # deleted meanwhile
        return False
    return True
