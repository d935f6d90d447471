"""Posting: a local person's draft, or a thread of them (Mastodon's PostStatusService).

The draft is checked and its text composed here; the post itself is written
by ``create.create_post``, the core another server's posts go through too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.media import attach_media, check_media_ids
from weft.actions.polls import PollDraft, add_poll, check_poll
from weft.actions.posts.compose import check_text, clean_language, compose, one_newline
from weft.actions.posts.create import NewPost, create_post
from weft.actions.posts.ghosts import check_ghost, ghost_end, schedule_expiry
from weft.actions.posts.topic import clean_topic, topic_id
from weft.actions.spoilers import SpoilerRange, check_spoilers, stored_ranges
from weft.actions.text_attachments import (
    TextAttachment,
    check_text_attachment,
    stored_attachment,
)
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Invalid, NotFound
from weft.models import Account, IdempotencyKey, Status, User
from weft.models.base import utcnow
from weft.models.posts import QUOTE_POLICIES, REPLY_CONTROLS, REPLY_POLICIES, VISIBILITIES
from weft.remote_lookup import remote_lookup


@dataclass(frozen=True)
class Draft:
    """A new post as the author asked for it; ``None`` means "the author's default"."""

    text: str
    visibility: str | None = None
    in_reply_to_id: int | None = None
    quoted_status_id: int | None = None
    quote_policy: str | None = None
    reply_policy: str | None = None  # Weft's names or Threads' reply_control values
    reply_approvals: bool = False  # Threads' enable_reply_approvals
    spoiler_text: str = ""
    sensitive: bool | None = None
    language: str | None = None
    application_id: int | None = None
    idempotency_key: str | None = None
    media_ids: tuple[int, ...] = ()
    poll: PollDraft | None = None
    text_entities: tuple[SpoilerRange, ...] = ()  # Threads' spoilers
    is_spoiler_media: bool = False
    ghost: bool = False  # a ghost post (weft/actions/posts/ghosts.py)
    # The draft or scheduled post being published (weft/actions/drafts.py): the
    # uploads it holds are this post's to take, and no other's.
    held_by: int | None = None
    text_attachment: TextAttachment | None = None  # Threads' long text
    topic_tag: str | None = None  # Threads' one topic (weft/actions/topics.py)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", one_newline(self.text))
        object.__setattr__(self, "spoiler_text", one_newline(self.spoiler_text))


MAX_IDEMPOTENCY_KEY = 255  # the idempotency_keys.key column


class InvalidThreadPost(Invalid):
    """One post of a thread was refused; ``index`` says which (0 is the first)."""

    def __init__(self, index: int, error: Invalid) -> None:
        super().__init__(error.field, error.description, error.code)
        self.index = index


class _KeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


def _check_choice(field: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise Invalid(field, f"must be one of: {', '.join(choices)}", "ERR_INCLUSION")


def check_draft(draft: Draft) -> None:
    check_text(draft.text, draft.spoiler_text, has_media=bool(draft.media_ids))
    check_media_ids(list(draft.media_ids))
    _check_choice("visibility", draft.visibility, VISIBILITIES)
    _check_choice("quote_approval_policy", draft.quote_policy, QUOTE_POLICIES)
    _check_choice("reply_policy", draft.reply_policy, (*REPLY_POLICIES, *REPLY_CONTROLS))
    clean_language(draft.language)
    if draft.poll is not None:
        check_poll(draft.poll, has_media=bool(draft.media_ids))
    check_spoilers(draft.text, draft.text_entities, draft.is_spoiler_media, bool(draft.media_ids))
    if draft.ghost:
        check_ghost(
            has_media=bool(draft.media_ids),
            has_poll=draft.poll is not None,
            quotes=draft.quoted_status_id is not None,
        )
    check_text_attachment(
        draft.text,
        draft.text_attachment,
        has_media=bool(draft.media_ids),
        has_poll=draft.poll is not None,
    )
    clean_topic(draft.topic_tag)


async def post_status(db: Database, settings: Settings, author_id: int, draft: Draft) -> Status:
    """Publish a post; with an Idempotency-Key, the same key gives back the same post."""
    check_draft(draft)
    if draft.idempotency_key is not None:
        existing = await _post_for_key(db, author_id, draft.idempotency_key)
        if existing is not None:
            return existing
    # Other servers' people it mentions are looked up first, outside the transaction.
    await remote_lookup().learn_mentioned(db, settings, [draft.text])
    try:
        async with db.write() as session:
            return await _post(session, settings, author_id, draft)
    except _KeyTaken:
        assert draft.idempotency_key is not None
        existing = await _post_for_key(db, author_id, draft.idempotency_key)
        if existing is None:  # the first request's post was deleted meanwhile
            raise NotFound() from None
        return existing


async def post_thread(
    db: Database, settings: Settings, author_id: int, drafts: Sequence[Draft]
) -> list[Status]:
    """Publish ``drafts`` as a thread, each a reply to the one before, all or none.

    Every draft is checked before anything is written, and all are written in
    one transaction, so a refused third post leaves no first two behind. The
    first draft may reply to another post; the others' ``in_reply_to_id`` is
    the previous post's. Raises ``InvalidThreadPost`` naming the refused one.
    """
    for index, draft in enumerate(drafts):
        try:
            check_draft(draft)
        except Invalid as error:
            raise InvalidThreadPost(index, error) from None
    key = drafts[0].idempotency_key if drafts else None
    if key is not None:
        existing = await thread_for_key(db, author_id, key, len(drafts))
        if existing:
            return existing
    await remote_lookup().learn_mentioned(db, settings, [draft.text for draft in drafts])
    posted: list[Status] = []
    try:
        async with db.write() as session:
            for index, draft in enumerate(drafts):
                if posted:
                    draft = replace(draft, in_reply_to_id=posted[-1].id, idempotency_key=None)
                try:
                    posted.append(await _post(session, settings, author_id, draft))
                except Invalid as error:
                    raise InvalidThreadPost(index, error) from None
    except _KeyTaken:
        assert key is not None
        existing = await thread_for_key(db, author_id, key, len(drafts))
        if not existing:  # the first request's post was deleted meanwhile
            raise NotFound() from None
        return existing
    return posted


async def thread_for_key(db: Database, author_id: int, key: str, length: int) -> list[Status]:
    """The thread an earlier request with this Idempotency-Key posted (empty if none).

    The key names the first post; each next one is the author's earliest reply
    to the one before (the thread's posts were written together, before any
    later self-reply), up to the ``length`` posts the request had.
    """
    first = await _post_for_key(db, author_id, key)
    if first is None:
        return []
    thread = [first]
    async with db.read() as session:
        while len(thread) < length:
            following = await session.scalar(
                select(Status)
                .where(Status.in_reply_to_id == thread[-1].id, Status.account_id == author_id)
                .order_by(Status.id)
                .limit(1)
            )
            if following is None:
                break
            thread.append(following)
    return thread


async def _post_for_key(db: Database, author_id: int, key: str) -> Status | None:
    async with db.read() as session:
        return await session.scalar(
            select(Status)
            .join(IdempotencyKey, IdempotencyKey.status_id == Status.id)
            .where(IdempotencyKey.account_id == author_id, IdempotencyKey.key == key)
        )


async def _post(session: AsyncSession, settings: Settings, author_id: int, draft: Draft) -> Status:
    author, user = await _author(session, author_id)
    spoilers = [(r.offset, r.length) for r in draft.text_entities]
    composed = await compose(session, settings, author_id, draft.text, spoilers)
    topic = await topic_id(session, clean_topic(draft.topic_tag))
    status_id = new_id()
    sensitive = user.default_sensitive if draft.sensitive is None else draft.sensitive
    now = utcnow()
    new = NewPost(
        id=status_id,
        author=author,
        uri=f"{settings.base_url}/users/{author.username}/statuses/{status_id}",
        url=f"{settings.base_url}/@{author.username}/{status_id}",
        text=draft.text,
        content=composed.content,
        visibility=draft.visibility or user.default_privacy,
        created_at=now,
        spoiler_text=draft.spoiler_text,
        sensitive=bool(sensitive),
        language=clean_language(draft.language) or user.default_language,
        in_reply_to_id=draft.in_reply_to_id,
        quoted_status_id=draft.quoted_status_id,
        quote_policy="nobody" if draft.ghost else draft.quote_policy or "public",
        reply_policy=REPLY_CONTROLS.get(draft.reply_policy or "", draft.reply_policy or "everyone"),
        reply_approvals=draft.reply_approvals,
        application_id=draft.application_id,
        mentioned=composed.mentioned,
        tag_ids=[*composed.tag_ids, *([topic] if topic else [])],
        has_media=bool(draft.media_ids),
        text_entities=stored_ranges(draft.text_entities),
        is_spoiler_media=draft.is_spoiler_media,
        ghost_expires_at=ghost_end(now) if draft.ghost else None,
        text_attachment=stored_attachment(draft.text_attachment),
        topic_tag_id=topic,
    )
    status = await create_post(session, new)
    if draft.idempotency_key is not None:
        await _claim_key(session, author_id, draft.idempotency_key, status.id)
    if draft.media_ids:
        await attach_media(
            session, author_id, status.id, list(draft.media_ids), held_by=draft.held_by
        )
    if draft.poll is not None:
        await add_poll(session, status, draft.poll)
    schedule_expiry(session, status)
    return status


async def _author(session: AsyncSession, author_id: int) -> tuple[Account, User]:
    row = (
        await session.execute(
            select(Account, User)
            .join(User, User.account_id == Account.id)
            .where(Account.id == author_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


async def _claim_key(session: AsyncSession, author_id: int, key: str, status_id: int) -> None:
    """The key's primary key decides between concurrent requests: the second
    insert waits for the first transaction and then finds the row taken."""
    values = {"account_id": author_id, "key": key, "status_id": status_id, "created_at": utcnow()}
    if not await insert_ignore(session, IdempotencyKey, values):
        raise _KeyTaken()
