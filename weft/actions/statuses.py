"""Posting, editing and deleting posts (Mastodon's PostStatusService and friends).

Each action checks the policies (``weft.policies.statuses``), writes, and
records its consequences (mentions, notifications, counters, timeline jobs)
in one transaction, so the API, the web app and the inbox all obey the same
rules: a reply control enforced here holds for every front door.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.cards import enqueue_card
from weft.actions.media import (
    attach_media,
    attached_media_ids,
    check_media_ids,
    remove_status_media,
)
from weft.actions.notifications import notify
from weft.actions.outbox import publish
from weft.activity_kinds import ActivityKind
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import FAN_OUT, NOTIFY_SUBSCRIBERS, REMOVE
from weft.jobs.queue import enqueue
from weft.models import (
    Account,
    Block,
    IdempotencyKey,
    Mention,
    Status,
    StatusEdit,
    StatusTag,
    Tag,
    User,
)
from weft.models.base import utcnow
from weft.models.posts import QUOTE_POLICIES, REPLY_POLICIES, VISIBILITIES
from weft.policies.statuses import PUBLIC_VISIBILITIES, can_quote, can_reply, can_view
from weft.queries.relations import access_for
from weft.queries.statuses import version_of
from weft.remote_lookup import remote_lookup
from weft.text import MAX_LINKS, MentionTarget, countable_length, distinct_links, render
from weft.text import mentions as text_mentions
from weft.text.entities import hashtags

MAX_CHARS = 500
REPLY_NOT_FOUND = "The post you are trying to reply to does not appear to exist."
QUOTE_NOT_FOUND = "The post you are trying to quote does not appear to exist."
# ISO 639-1/2/3, optionally with a region or script ("pt-BR", "zh-Hant").
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})?")
# Wider to narrower: a reply is never more visible than a followers-only or direct parent.
_NARROWNESS = {v: i for i, v in enumerate(VISIBILITIES)}


def one_newline(text: str) -> str:
    """Line breaks as ``\n``: a browser's form sends CRLF, which must not count twice."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Draft:
    """A new post as the author asked for it; ``None`` means "the author's default"."""

    text: str
    visibility: str | None = None
    in_reply_to_id: int | None = None
    quoted_status_id: int | None = None
    quote_policy: str | None = None
    reply_policy: str | None = None
    spoiler_text: str = ""
    sensitive: bool | None = None
    language: str | None = None
    application_id: int | None = None
    idempotency_key: str | None = None
    media_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", one_newline(self.text))
        object.__setattr__(self, "spoiler_text", one_newline(self.spoiler_text))


@dataclass(frozen=True)
class Change:
    """An edit: the new text; ``None`` keeps the current value."""

    text: str
    spoiler_text: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    # The attachments in order; None keeps them.
    media_ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", one_newline(self.text))
        if self.spoiler_text is not None:
            object.__setattr__(self, "spoiler_text", one_newline(self.spoiler_text))


@dataclass(frozen=True)
class Composed:
    """Text resolved against the database: its HTML, mentioned accounts and tags."""

    content: str
    mentioned: list[Account]
    tag_ids: list[int]


class InvalidThreadPost(Invalid):
    """One post of a thread was refused; ``index`` says which (0 is the first)."""

    def __init__(self, index: int, error: Invalid) -> None:
        super().__init__(error.field, error.description, error.code)
        self.index = index


class _KeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


# --- checks -------------------------------------------------------------------


def check_text(text: str, spoiler_text: str, *, has_media: bool = False) -> None:
    if not text.strip() and not has_media:
        raise Invalid("status", "can't be blank", "ERR_BLANK")
    if countable_length(text, spoiler_text) > MAX_CHARS:
        raise Invalid("status", f"character limit of {MAX_CHARS} exceeded", "ERR_TOO_LONG")
    if len(distinct_links(text)) > MAX_LINKS:
        raise Invalid("status", f"can contain at most {MAX_LINKS} distinct links", "ERR_TOO_LONG")


def clean_language(language: str | None) -> str | None:
    if language is None or language == "":
        return None
    if not _LANGUAGE.fullmatch(language):
        raise Invalid("language", "is not a valid ISO 639 language code")
    primary, _, region = language.replace("_", "-").partition("-")
    return f"{primary.lower()}-{region}" if region else primary.lower()


def _check_choice(field: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise Invalid(field, f"must be one of: {', '.join(choices)}", "ERR_INCLUSION")


def check_draft(draft: Draft) -> None:
    check_text(draft.text, draft.spoiler_text, has_media=bool(draft.media_ids))
    check_media_ids(list(draft.media_ids))
    _check_choice("visibility", draft.visibility, VISIBILITIES)
    _check_choice("quote_approval_policy", draft.quote_policy, QUOTE_POLICIES)
    _check_choice("reply_policy", draft.reply_policy, REPLY_POLICIES)
    clean_language(draft.language)


# --- posting ------------------------------------------------------------------


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
    await remote_lookup().learn_mentioned(db, settings, [draft.text for draft in drafts])
    posted: list[Status] = []
    async with db.write() as session:
        for index, draft in enumerate(drafts):
            if posted:
                draft = replace(draft, in_reply_to_id=posted[-1].id, idempotency_key=None)
            try:
                posted.append(await _post(session, settings, author_id, draft))
            except Invalid as error:
                raise InvalidThreadPost(index, error) from None
    return posted


async def _post_for_key(db: Database, author_id: int, key: str) -> Status | None:
    async with db.read() as session:
        return await session.scalar(
            select(Status)
            .join(IdempotencyKey, IdempotencyKey.status_id == Status.id)
            .where(IdempotencyKey.account_id == author_id, IdempotencyKey.key == key)
        )


async def _post(session: AsyncSession, settings: Settings, author_id: int, draft: Draft) -> Status:
    author, user = await _author(session, author_id)
    parent = await _reply_target(session, author_id, draft.in_reply_to_id)
    quoted = await _quote_target(session, author_id, draft.quoted_status_id)
    visibility = draft.visibility or user.default_privacy
    if parent is not None and _NARROWNESS[parent.visibility] > _NARROWNESS[visibility]:
        visibility = parent.visibility  # no wider than a followers-only/direct parent
    status = _new_status(settings, author, user, draft, visibility, parent, quoted)
    composed = await compose(session, settings, author_id, draft.text)
    status.content = composed.content
    session.add(status)
    await session.flush()
    if draft.idempotency_key is not None:
        await _claim_key(session, author_id, draft.idempotency_key, status.id)
    mentioned = composed.mentioned + await _remote_parent_author(session, composed, parent)
    await _add_mentions(session, status, mentioned, parent)
    _link_tags(session, status.id, composed.tag_ids)
    if draft.media_ids:
        await attach_media(session, author_id, status.id, list(draft.media_ids))
    await _count_new(session, status, parent, quoted)
    if quoted is not None:
        await notify(
            session,
            recipient_id=quoted.account_id,
            from_account_id=author_id,
            type="quote",
            status_id=status.id,
        )
    enqueue(session, FAN_OUT, {"status_id": status.id})
    enqueue(session, NOTIFY_SUBSCRIBERS, {"status_id": status.id})
    if not draft.media_ids:  # a post with media shows its media, not a card
        enqueue_card(session, status)
    await publish(session, ActivityKind.CREATE, author_id, status_id=status.id)
    return status


def _new_status(
    settings: Settings,
    author: Account,
    user: User,
    draft: Draft,
    visibility: str,
    parent: Status | None,
    quoted: Status | None,
) -> Status:
    status_id = new_id()
    quote_policy = draft.quote_policy or "public"
    if visibility not in PUBLIC_VISIBILITIES:
        quote_policy = "nobody"  # Mastodon: only public posts can be quoted by others
    sensitive = user.default_sensitive if draft.sensitive is None else draft.sensitive
    return Status(
        id=status_id,
        account_id=author.id,
        uri=f"{settings.base_url}/users/{author.username}/statuses/{status_id}",
        url=f"{settings.base_url}/@{author.username}/{status_id}",
        text=draft.text,
        spoiler_text=draft.spoiler_text,
        # A content warning implies a sensitive post, as in Mastodon.
        sensitive=bool(sensitive) or bool(draft.spoiler_text),
        visibility=visibility,
        language=clean_language(draft.language) or user.default_language,
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        conversation_id=(parent.conversation_id or parent.id) if parent else status_id,
        quote_of_id=quoted.id if quoted else None,
        quote_state="accepted" if quoted else None,
        quote_policy=quote_policy,
        reply_policy=draft.reply_policy or "everyone",
        application_id=draft.application_id,
        created_at=utcnow(),
    )


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


async def _reply_target(
    session: AsyncSession, author_id: int, status_id: int | None
) -> Status | None:
    """The parent of a reply: 404 if the author may not see it, 422 if its reply
    control leaves them out (seeing a post and being refused is no leak; 422,
    like a refused quote, is what Mastodon documents for this method)."""
    if status_id is None:
        return None
    parent = await session.get(Status, status_id)
    if parent is None or parent.reblog_of_id is not None:
        raise NotFound(REPLY_NOT_FOUND)
    access = (await access_for(session, author_id, [parent]))[parent.id]
    if not can_view(access):
        raise NotFound(REPLY_NOT_FOUND)
    if not can_reply(access):
        raise Invalid("in_reply_to_id", "cannot be replied to by you", "ERR_FORBIDDEN")
    return parent


async def _quote_target(
    session: AsyncSession, author_id: int, status_id: int | None
) -> Status | None:
    if status_id is None:
        return None
    quoted = await session.get(Status, status_id)
    if quoted is None:
        raise NotFound(QUOTE_NOT_FOUND)
    access = (await access_for(session, author_id, [quoted]))[quoted.id]
    if not can_view(access):
        raise NotFound(QUOTE_NOT_FOUND)
    if not can_quote(access):
        raise Invalid("quoted_status_id", "cannot be quoted by you", "ERR_FORBIDDEN")
    return quoted


async def _claim_key(session: AsyncSession, author_id: int, key: str, status_id: int) -> None:
    """The key's primary key decides between concurrent requests: the second
    insert waits for the first transaction and then finds the row taken."""
    values = {"account_id": author_id, "key": key, "status_id": status_id, "created_at": utcnow()}
    if not await insert_ignore(session, IdempotencyKey, values):
        raise _KeyTaken()


async def _count_new(
    session: AsyncSession, status: Status, parent: Status | None, quoted: Status | None
) -> None:
    """Counters move in SQL (``x = x + 1``), so concurrent posts never lose a count.

    As Mastodon does, direct posts do not count towards the author's posts, and
    only public replies count towards replies_count: a count must not reveal
    replies the reader cannot see.
    """
    if parent is not None and status.visibility in PUBLIC_VISIBILITIES:
        await _bump(session, Status, parent.id, "replies_count", 1)
    if quoted is not None:
        await _bump(session, Status, quoted.id, "quotes_count", 1)
    values: dict[str, object] = {"last_status_at": status.created_at}
    if status.visibility != "direct":
        values["statuses_count"] = Account.statuses_count + 1
    await session.execute(
        update(Account)
        .where(Account.id == status.account_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def _bump(
    session: AsyncSession, model: type[Status] | type[Account], row_id: int, column: str, by: int
) -> None:
    col = getattr(model, column)
    # Never below zero, whatever order concurrent deletes arrive in.
    value = col + by if by > 0 else case((col + by > 0, col + by), else_=0)
    await session.execute(
        update(model)
        .where(model.id == row_id)
        .values({column: value})
        .execution_options(synchronize_session=False)
    )


# --- mentions and tags ----------------------------------------------------------


async def compose(session: AsyncSession, settings: Settings, author_id: int, text: str) -> Composed:
    """Resolve ``text``'s mentions and tags and render it."""
    mentioned = await _resolve_mentions(session, settings, author_id, text)
    targets = {
        (a.username.lower(), a.domain.lower() if a.domain else None): MentionTarget(
            a.username, a.url or f"{settings.base_url}/@{a.username}"
        )
        for a in mentioned
    }
    content = render(
        text, base_url=settings.base_url, local_domain=settings.domain, mentions=targets
    )
    tag_ids = await _upsert_tags(session, hashtags(text))
    return Composed(content, mentioned, tag_ids)


async def _resolve_mentions(
    session: AsyncSession, settings: Settings, author_id: int, text: str
) -> list[Account]:
    """Known, unsuspended accounts the text mentions; not those blocked either way
    (they are neither linked nor notified, and gain no access to the post)."""
    wanted = {ref.key(settings.domain) for ref in text_mentions(text)}
    if not wanted:
        return []
    candidates = await session.scalars(
        select(Account).where(
            func.lower(Account.username).in_({name for name, _ in wanted}),
            Account.suspended_at.is_(None),
        )
    )
    found = [
        a
        for a in candidates
        if (a.username.lower(), a.domain.lower() if a.domain else None) in wanted
    ]
    blocked = await _blocked_either_way(session, author_id, {a.id for a in found})
    return [a for a in found if a.id not in blocked]


async def _remote_parent_author(
    session: AsyncSession, composed: Composed, parent: Status | None
) -> list[Account]:
    """A reply to another server's post mentions its author even when the text
    does not name them: the Note then tags and addresses them, so their server
    shows it in the thread and notifies them (Mastodon notifies of mentions only)."""
    if parent is None or parent.account_id in {a.id for a in composed.mentioned}:
        return []
    author = await session.get(Account, parent.account_id)
    if author is None or author.is_local or author.suspended_at is not None:
        return []
    return [author]


async def _blocked_either_way(session: AsyncSession, account_id: int, others: set[int]) -> set[int]:
    if not others:
        return set()
    rows = await session.execute(
        select(Block.account_id, Block.target_account_id).where(
            or_(
                (Block.account_id == account_id) & Block.target_account_id.in_(others),
                (Block.target_account_id == account_id) & Block.account_id.in_(others),
            )
        )
    )
    return {target if owner == account_id else owner for owner, target in rows}


async def _upsert_tags(session: AsyncSession, names: list[str]) -> list[int]:
    """Ids of the tags, creating the missing ones; a tag keeps the case it was
    first written in. Matching is by SQL ``lower()`` on both sides, the same
    function the unique index uses."""
    if not names:
        return []
    for name in names:
        await insert_ignore(session, Tag, {"id": new_id(), "name": name, "created_at": utcnow()})
    lowered = [func.lower(Tag.name) == func.lower(name) for name in names]
    return list(await session.scalars(select(Tag.id).where(or_(*lowered))))


def _link_tags(session: AsyncSession, status_id: int, tag_ids: list[int]) -> None:
    session.add_all(StatusTag(status_id=status_id, tag_id=tag_id) for tag_id in set(tag_ids))


async def _add_mentions(
    session: AsyncSession, status: Status, mentioned: list[Account], parent: Status | None
) -> None:
    """Mention rows (which also let mentioned people see a limited post), and
    their notifications. A followers-only or direct reply silently mentions the
    parent's author, so they can read replies to their own post."""
    ids = {a.id for a in mentioned} - {status.account_id}
    for account_id in ids:
        session.add(Mention(status_id=status.id, account_id=account_id))
    if (
        parent is not None
        and status.visibility not in PUBLIC_VISIBILITIES
        and parent.account_id not in ids
        and parent.account_id != status.account_id
    ):
        session.add(Mention(status_id=status.id, account_id=parent.account_id, silent=True))
    await session.flush()
    for account_id in sorted(ids):
        await notify(
            session,
            recipient_id=account_id,
            from_account_id=status.account_id,
            type="mention",
            status_id=status.id,
        )


# --- editing ------------------------------------------------------------------


async def edit_status(
    db: Database, settings: Settings, account_id: int, status_id: int, change: Change
) -> Status:
    """Edit one's own post within ``settings.edit_window_minutes`` of posting.

    The first edit stores the original as the first version, so the history
    always begins with what was first published.
    """
    spoiler = change.spoiler_text
    await remote_lookup().learn_mentioned(db, settings, [change.text])
    async with db.write() as session:
        status = await _own_status(session, account_id, status_id)
        _check_edit_window(settings, status)
        current_media = await attached_media_ids(session, status.id)
        new_media = current_media if change.media_ids is None else list(change.media_ids)
        check_text(
            change.text,
            status.spoiler_text if spoiler is None else spoiler,
            has_media=bool(new_media),
        )
        new_language = clean_language(change.language) if change.language else status.language
        new_sensitive = status.sensitive if change.sensitive is None else change.sensitive
        new_spoiler = status.spoiler_text if spoiler is None else spoiler
        if (change.text, new_spoiler, new_sensitive, new_language, new_media) == (
            status.text,
            status.spoiler_text,
            status.sensitive,
            status.language,
            current_media,
        ):
            return status  # nothing changed: no new version, no "edited" label
        if new_media != current_media:
            await attach_media(session, account_id, status.id, new_media)
        await _ensure_original_version(session, status)
        composed = await compose(session, settings, account_id, change.text)
        status.text, status.content = change.text, composed.content
        status.spoiler_text, status.language = new_spoiler, new_language
        status.sensitive = new_sensitive or bool(new_spoiler)
        status.edited_at = utcnow()
        session.add(version_of(status, status.edited_at))
        await _replace_mentions(session, status, composed.mentioned)
        await session.execute(delete(StatusTag).where(StatusTag.status_id == status.id))
        _link_tags(session, status.id, composed.tag_ids)
        await _notify_edit(session, status)
        enqueue_card(session, status, edited=True)
        await publish(session, ActivityKind.UPDATE, account_id, status_id=status.id)
        return status


def _check_edit_window(settings: Settings, status: Status) -> None:
    window = timedelta(minutes=settings.edit_window_minutes)
    if utcnow() - status.created_at > window:
        raise Invalid(
            "status",
            f"can only be edited within {settings.edit_window_minutes} minutes of posting",
            "ERR_EDIT_WINDOW",
        )


async def _own_status(session: AsyncSession, account_id: int, status_id: int) -> Status:
    """The post, if it is the caller's; anyone else's is "not found", as in
    Mastodon (``Status.where(account: current_account).find``)."""
    status = await session.get(Status, status_id)
    if status is None or status.account_id != account_id:
        raise NotFound()
    return status


async def _ensure_original_version(session: AsyncSession, status: Status) -> None:
    has_versions = await session.scalar(
        select(StatusEdit.id).where(StatusEdit.status_id == status.id).limit(1)
    )
    if has_versions is None:
        session.add(version_of(status, status.created_at))


async def _replace_mentions(
    session: AsyncSession, status: Status, mentioned: list[Account]
) -> None:
    """Keep the mentions still in the text, drop the others (but not a reply's
    silent one), and notify only the newly mentioned."""
    rows = list(await session.scalars(select(Mention).where(Mention.status_id == status.id)))
    wanted = {a.id for a in mentioned} - {status.account_id}
    existing = {m.account_id for m in rows}
    for row in rows:
        if not row.silent and row.account_id not in wanted:
            await session.delete(row)
    for account_id in sorted(wanted - existing):
        session.add(Mention(status_id=status.id, account_id=account_id))
    await session.flush()
    for account_id in sorted(wanted - existing):
        await notify(
            session,
            recipient_id=account_id,
            from_account_id=status.account_id,
            type="mention",
            status_id=status.id,
        )


async def _notify_edit(session: AsyncSession, status: Status) -> None:
    """Tell those who reposted it ("update") and quoted it ("quoted_update"), as Mastodon does."""
    reposters = await session.scalars(
        select(Status.account_id).where(Status.reblog_of_id == status.id)
    )
    for account_id in set(reposters):
        await notify(
            session,
            recipient_id=account_id,
            from_account_id=status.account_id,
            type="update",
            status_id=status.id,
        )
    quoters = await session.scalars(
        select(Status.account_id).where(Status.quote_of_id == status.id)
    )
    for account_id in set(quoters):
        await notify(
            session,
            recipient_id=account_id,
            from_account_id=status.account_id,
            type="quoted_update",
            status_id=status.id,
        )


# --- deleting -----------------------------------------------------------------


async def delete_status(db: Database, account_id: int, status_id: int) -> Status:
    """Delete one's own post; its reposts go with it (the foreign key cascades).

    Returns the deleted row (detached), whose ``text`` the API gives back so a
    client can "delete and redraft".
    """
    async with db.write() as session:
        status = await _own_status(session, account_id, status_id)
        await publish(session, ActivityKind.DELETE, account_id, status_id=status.id)
        await _count_removed(session, status)
        await remove_status_media(session, status.id)
        await session.delete(status)
        # The author lets the Redis store find the feeds the post went to.
        enqueue(
            session,
            REMOVE,
            {"status_id": status.id, "account_id": status.account_id},
        )
        return status


async def _count_removed(session: AsyncSession, status: Status) -> None:
    """Undo what posting counted (see ``_count_new``), for the post and its reposts."""
    if status.in_reply_to_id is not None and status.visibility in PUBLIC_VISIBILITIES:
        await _bump(session, Status, status.in_reply_to_id, "replies_count", -1)
    if status.quote_of_id is not None and status.quote_state == "accepted":
        await _bump(session, Status, status.quote_of_id, "quotes_count", -1)
    if status.reblog_of_id is not None:
        await _bump(session, Status, status.reblog_of_id, "reblogs_count", -1)
    if status.visibility != "direct":
        await _bump(session, Account, status.account_id, "statuses_count", -1)
    # Reposts of this post disappear with it: their authors' counts go down too.
    reposters = select(Status.account_id).where(Status.reblog_of_id == status.id)
    await session.execute(
        update(Account)
        .where(Account.id.in_(reposters))
        .values(
            statuses_count=case((Account.statuses_count > 0, Account.statuses_count - 1), else_=0)
        )
        .execution_options(synchronize_session=False)
    )
