"""Posts written on other servers: stored, edited and deleted as their authors do.

The inbox (``weft.federation.inbox``) and on-demand fetches
(``weft.federation.remote``) read a Note into a :class:`RemoteNote` (content
already sanitized, parent, quote and mentioned accounts already resolved).
Storing it goes through ``create.create_post`` with the remote author as the
actor, editing through ``edit.revise`` and deleting through
``delete.delete_status``: the same rules and consequences as a local post's
(reply and quote policies, blocks, mentions and notifications, counters,
``timelines.fan_out``, subscribers' notifications, the link card). What is
theirs alone is here: attachments served from their URL until copied.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.media import attached_media_ids, retire_media
from weft.actions.polls import RemotePoll, store_remote_poll
from weft.actions.posts.bookkeeping import (
    bump,
    ensure_original_version,
    mentionable,
    refused_mentions,
    upsert_tags,
)
from weft.actions.posts.create import (
    AlreadyStored,
    NewPost,
    ReplyNotFound,
    ReplyRefused,
    create_post,
)
from weft.actions.posts.delete import delete_status
from weft.actions.posts.edit import Revision, revise
from weft.actions.posts.ghosts import ghost_end, schedule_expiry
from weft.actions.posts.topic import hashtag_name, topic_id
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import NotFound
from weft.jobs.kinds import FETCH_REMOTE_MEDIA
from weft.jobs.queue import enqueue
from weft.models import Account, MediaAttachment, Status, StatusPin
from weft.models.base import utcnow
from weft.policies.statuses import PUBLIC_VISIBILITIES
from weft.text.remote import plain_text
from weft.text.unlink import unlink_mentions

MAX_MEDIA = 20
log = logging.getLogger("weft.actions.posts")


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
    # Its interactionPolicy, in our policies' words (weft.federation.quotes).
    reply_policy: str = "everyone"
    quote_policy: str = "nobody"
    quote_manual: str | None = None
    # FEP-044f: the delivered Create (which stands for a request to quote one
    # of ours), and the quoteAuthorization of a third server's post, once checked.
    quote_request_uri: str | None = None
    quote_authorization_uri: str | None = None
    mentioned_ids: Sequence[int] = ()
    # Recipients we found in to/cc but not in the tags: they may see it, silently.
    silent_ids: Sequence[int] = ()
    tags: Sequence[str] = ()
    media: Sequence[RemoteMedia] = field(default_factory=tuple)
    # The custom emoji the text uses: [{"shortcode": ..., "url": ...}].
    emojis: Sequence[dict[str, str]] = ()
    poll: RemotePoll | None = None  # a Question's
    # Weft's terms, from another Weft server (weft/federation/rich_notes.py).
    text_entities: Sequence[dict[str, Any]] = ()
    is_spoiler_media: bool = False
    ghost: bool = False  # another Weft server's ghost post (weft/actions/posts/ghosts.py)
    text_attachment: dict[str, Any] | None = None
    topic: str | None = None  # a Weft server's topic (its Hashtag stand-in is in tags)


async def _tag_ids(session: AsyncSession, note: RemoteNote) -> tuple[list[int], int | None]:
    """The note's tags and its topic's id; the Hashtag that stands in for
    the topic (weft/actions/topics.py, ``hashtag_name``) is the topic itself."""
    names = list(note.tags)
    if note.topic is not None:
        stand_in = hashtag_name(note.topic).lower()
        names = [n for n in names if n.lower() != stand_in or n.lower() == note.topic.lower()]
    topic = await topic_id(session, note.topic)
    tag_ids = await upsert_tags(session, names)
    return [*tag_ids, *([topic] if topic else [])], topic


async def create_remote_status(db: Database, note: RemoteNote) -> Status | None:
    """Store ``note``; a post already stored (same ``uri``) is returned as it is.

    ``None`` if it is dropped: a reply whose parent's reply policy leaves its
    author out, or to a post they may not see (``create`` explains why).
    """
    try:
        async with db.write() as session:
            existing = await _stored(session, note)
            if existing is not None:
                return existing
            status = await create_post(session, await _new_post(session, note))
            status.emojis = list(note.emojis)
            _add_media(session, status, note.media)
            schedule_expiry(session, status)
            if note.poll is not None:
                await store_remote_poll(session, status, note.poll)
            return status
    except AlreadyStored:
        async with db.read() as session:
            raced = await _stored(session, note)
        if raced is None:  # stored and deleted meanwhile
            raise NotFound() from None
        return raced
    except (ReplyNotFound, ReplyRefused) as refused:
        log.info("dropped %s: %s", note.uri, refused.message)
        return None


async def _stored(session: AsyncSession, note: RemoteNote) -> Status | None:
    return await session.scalar(select(Status).where(Status.uri == note.uri))


async def _new_post(session: AsyncSession, note: RemoteNote) -> NewPost:
    author = await session.get(Account, note.account_id)
    if author is None:
        raise NotFound()
    tag_ids, topic = await _tag_ids(session, note)
    mentioned, content = await _mentioned(session, note)
    return NewPost(
        id=new_id(),
        author=author,
        uri=note.uri,
        url=note.url,
        text=plain_text(content),
        content=content,
        visibility=note.visibility,
        created_at=note.created_at,
        spoiler_text=note.spoiler_text,
        sensitive=note.sensitive,
        language=note.language,
        in_reply_to_id=note.in_reply_to_id,
        quoted_status_id=note.quote_of_id,
        quote_policy=note.quote_policy,
        quote_manual=note.quote_manual,
        reply_policy=note.reply_policy,
        quote_request_uri=note.quote_request_uri,
        quote_authorization_uri=note.quote_authorization_uri,
        edited_at=note.edited_at,
        mentioned=mentioned,
        silent_ids=note.silent_ids,
        tag_ids=tag_ids,
        has_media=bool(note.media),
        text_entities=note.text_entities,
        is_spoiler_media=note.is_spoiler_media and bool(note.media),
        ghost_expires_at=ghost_end(note.created_at) if note.ghost else None,
        text_attachment=note.text_attachment,
        topic_tag_id=topic,
    )


async def _mentioned(session: AsyncSession, note: RemoteNote) -> tuple[list[Account], str]:
    """Whom the note may mention, and its content with the others' links
    (those whose mention setting refuses the author) turned to plain text."""
    if not note.mentioned_ids:
        return [], note.content
    accounts = list(
        await session.scalars(select(Account).where(Account.id.in_(note.mentioned_ids)))
    )
    allowed = await mentionable(session, note.account_id, accounts)
    refused = await refused_mentions(session, note.account_id, {a.id for a in accounts})
    hrefs = [h for a in accounts if a.id in refused for h in (a.url, a.uri) if h]
    return allowed, unlink_mentions(note.content, hrefs)


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
    """Apply an edit of a stored post by its author; ``None`` if we do not have it."""
    async with db.write() as session:
        status = await session.scalar(
            select(Status).where(Status.uri == note.uri, Status.account_id == note.account_id)
        )
        if status is None:
            return None
        await _apply_policy(session, status, note)
        media_urls = list(
            await session.scalars(
                select(MediaAttachment.remote_url)
                .where(MediaAttachment.status_id == status.id)
                .order_by(MediaAttachment.position)
            )
        )
        mentioned, content = await _mentioned(session, note)
        unchanged = (status.content, status.spoiler_text, status.sensitive, media_urls) == (
            content,
            note.spoiler_text,
            note.sensitive or bool(note.spoiler_text),
            [m.url for m in note.media[:MAX_MEDIA]],
        )
        if status.emojis != list(note.emojis):  # a new picture for an emoji, say
            status.emojis = list(note.emojis)
        if note.poll is not None:  # new tallies, usually
            await store_remote_poll(session, status, note.poll)
        status.text_entities = list(note.text_entities)
        status.is_spoiler_media = note.is_spoiler_media and bool(note.media)
        status.text_attachment = note.text_attachment
        tag_ids, status.topic_tag_id = await _tag_ids(session, note)
        if unchanged:
            return status
        revision = Revision(
            text=plain_text(content),
            content=content,
            spoiler_text=note.spoiler_text,
            sensitive=note.sensitive,
            language=note.language or status.language,
            edited_at=note.edited_at or utcnow(),
            mentioned=mentioned,
            tag_ids=tag_ids,
        )
        await ensure_original_version(session, status)
        await retire_media(session, status.id, await attached_media_ids(session, status.id))
        _add_media(session, status, note.media)
        await revise(session, status, revision)
        return status


async def _apply_policy(session: AsyncSession, status: Status, note: RemoteNote) -> None:
    """An edit may change who may reply and quote, and bring a third server's
    approval of a quote that waited for it (``pending``)."""
    public = status.visibility in PUBLIC_VISIBILITIES
    status.reply_policy = note.reply_policy
    status.quote_policy = note.quote_policy if public else "nobody"
    status.quote_manual = note.quote_manual if public else None
    approved = note.quote_authorization_uri is not None and note.quote_of_id == status.quote_of_id
    if approved and status.quote_state == "pending" and status.quote_of_id is not None:
        status.quote_state = "accepted"
        status.quote_authorization_uri = note.quote_authorization_uri
        await bump(session, Status, status.quote_of_id, "quotes_count", 1)


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


async def pin_remote_status(db: Database, account_id: int, status_id: int) -> bool:
    """A remote account featured (pinned) its own post ``status_id`` (an ``Add``
    to its featured collection). Its server keeps the limit, as Mastodon leaves
    it to it; a direct post or a repost is never shown pinned. True if pinned."""
    async with db.write() as session:
        status = await session.get(Status, status_id)
        if status is None or status.account_id != account_id:
            return False
        if status.reblog_of_id is not None or status.visibility == "direct":
            return False
        values = {"id": new_id(), "account_id": account_id, "status_id": status_id}
        await insert_ignore(session, StatusPin, values | {"created_at": utcnow()})
        return True


async def unpin_remote_status(db: Database, account_id: int, status_id: int) -> bool:
    """The ``Remove`` of a post from a remote account's featured collection."""
    async with db.write() as session:
        removed = await session.execute(
            delete(StatusPin).where(
                StatusPin.account_id == account_id, StatusPin.status_id == status_id
            )
        )
        return bool(removed.rowcount)  # type: ignore[attr-defined]
