"""Writing a new post, whoever its author: the one place its rules are asked.

Both doors end here: a local person's draft (``post.py``) and a post another
server delivered or we fetched (``remote.py``), with its remote author as the
actor. The reply policy, the quote policy, visibility and blocks either way
(``weft.policies.statuses``) are asked of the author here and nowhere else;
so are the mentions, notifications, counters and jobs a post brings.

What a refusal becomes depends on whether the author can be told. A local
person gets an error (404 for a post they may not see, 422 for one whose
policy leaves them out). Another server's reply that the reply policy
refuses is not stored (``ReplyRefused``; the caller drops it, as GoToSocial
does with interaction policies); another server's quote that the quote
policy refuses is stored with ``quote_state="rejected"``: the post is kept,
the quoted post is not shown in it, counted or told; when it was delivered
(a ``Create``, which stands for FEP-044f's request) a ``Reject`` goes back.

A local person's quote of another server's post asks its author
(FEP-044f): it is ``pending`` and a ``QuoteRequest`` is sent; the answer
makes it ``accepted`` or ``rejected`` (``weft.actions.quotes``). Our
policies still ask first what that post's ``interactionPolicy`` said.

Between two other servers' people, the parent's (or quoted post's) own
server decides, as FEP-044f and GoToSocial have it: we know too little of
their follows and blocks to judge, so a reply is taken as sent, and a quote
is accepted only with its author's approval: a ``quoteAuthorization`` we
checked, a quote of oneself, or of a post that mentions the quoter
(FEP-044f's rules, as Mastodon 4.5 applies them); else it waits ``pending``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.cards import enqueue_card
from weft.actions.notifications import notify
from weft.actions.outbox import publish
from weft.actions.posts.bookkeeping import add_mentions, count_new, link_tags
from weft.actions.posts.ghosts import ghost_reply_recipient, message_ghost_author
from weft.actions.posts.replying import notify_replied, reply_columns, restricted_reply
from weft.activity_kinds import ActivityKind
from weft.db.upsert import insert_ignore_returning
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import FAN_OUT, NOTIFY_SUBSCRIBERS
from weft.jobs.queue import enqueue
from weft.models import Account, Mention, Status
from weft.models.base import utcnow
from weft.models.posts import VISIBILITIES
from weft.policies.statuses import PUBLIC_VISIBILITIES, can_quote, can_reply, can_view
from weft.queries.relations import access_for

REPLY_NOT_FOUND = "The post you are trying to reply to does not appear to exist."
QUOTE_NOT_FOUND = "The post you are trying to quote does not appear to exist."
# Wider to narrower: a reply is never more visible than a followers-only or direct parent.
_NARROWNESS = {v: i for i, v in enumerate(VISIBILITIES)}


class ReplyNotFound(NotFound):
    """The parent does not exist, or the author may not see it."""

    def __init__(self) -> None:
        super().__init__(REPLY_NOT_FOUND)


class ReplyRefused(Invalid):
    """The parent's reply policy leaves the author out. Seeing a post and being
    refused is no leak: 422, as Mastodon documents for a refused quote."""

    def __init__(self) -> None:
        super().__init__("in_reply_to_id", "cannot be replied to by you", "ERR_FORBIDDEN")


class AlreadyStored(Exception):
    """Another delivery of the same post (same ``uri``) was stored first."""


@dataclass(frozen=True)
class NewPost:
    """A post ready to be written: text resolved, its author's defaults applied."""

    id: int
    author: Account
    uri: str
    url: str | None
    text: str
    content: str  # HTML
    visibility: str
    created_at: datetime
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    in_reply_to_id: int | None = None
    quoted_status_id: int | None = None
    quote_policy: str = "public"
    quote_manual: str | None = None  # another server's post: who may ask to quote it
    reply_policy: str = "everyone"
    reply_approvals: bool = False  # replies by others wait for approval
    # Another server's quote: the activity that asked for it (a delivered
    # Create), and its approval, if one was checked (weft.federation.quotes).
    quote_request_uri: str | None = None
    quote_authorization_uri: str | None = None
    application_id: int | None = None
    edited_at: datetime | None = None
    # Who is named (already ``bookkeeping.mentionable``), and who may see it unnamed.
    mentioned: Sequence[Account] = ()
    silent_ids: Sequence[int] = ()
    tag_ids: Sequence[int] = ()
    has_media: bool = False  # a post with media shows its media, not a link card
    # Threads' rich posts (weft/actions/spoilers.py, text_attachments.py, topics.py).
    text_entities: Sequence[dict[str, Any]] = ()
    is_spoiler_media: bool = False
    text_attachment: dict[str, Any] | None = None
    topic_tag_id: int | None = None
    ghost_expires_at: datetime | None = None  # a ghost post's end (weft/actions/posts/ghosts.py)


async def create_post(session: AsyncSession, new: NewPost) -> Status:
    """Write ``new`` with its consequences; the caller attaches its media."""
    parent = await _reply_target(session, new.author, new.in_reply_to_id)
    quoted, quote_state = await _quote_target(session, new)
    visibility = new.visibility
    narrower = parent is not None and _NARROWNESS[parent.visibility] > _NARROWNESS[visibility]
    if parent is not None and narrower and new.author.is_local:
        visibility = parent.visibility  # another server's post keeps its addressing
    ghost = await ghost_reply_recipient(session, new.author, parent)
    if ghost is not None:
        visibility = "direct"
    row = _row(new, visibility, parent, quoted, quote_state)
    row["restricted"] = await restricted_reply(session, new.author.id, parent)
    status = await insert_ignore_returning(session, Status, row)
    if status is None:
        raise AlreadyStored(new.uri)
    mentioned = list(new.mentioned) + await _parent_author(session, new, parent)
    silent = [*new.silent_ids, *_silent(status, parent)]
    if ghost is not None:  # to the ghost post's author alone, told; not counted as a reply
        mentioned, silent, parent = [ghost], [], None
        await message_ghost_author(session, status, ghost)
    await add_mentions(session, status, mentioned, silent)
    link_tags(session, status.id, new.tag_ids)
    accepted = quoted if quote_state == "accepted" else None
    # A reply waiting for approval is counted when approved (weft.actions.replies).
    await count_new(session, status, None if status.reply_state else parent, accepted)
    await notify_replied(session, status, parent)
    if accepted is not None:
        await notify(
            session,
            recipient_id=accepted.account_id,
            from_account_id=status.account_id,
            type="quote",
            status_id=status.id,
        )
    enqueue(session, FAN_OUT, {"status_id": status.id})
    enqueue(session, NOTIFY_SUBSCRIBERS, {"status_id": status.id})
    if not new.has_media:
        enqueue_card(session, status)
    await publish(session, ActivityKind.CREATE, status.account_id, status_id=status.id)
    if quoted is not None:
        await _quote_handshake(session, status, quoted)
    return status


async def _quote_handshake(session: AsyncSession, status: Status, quoted: Status) -> None:
    """FEP-044f: ask for our quote of another server's post; refuse theirs of
    ours when it came by a plain Create (a QuoteRequest is answered by
    ``weft.actions.quotes.answer_quote_request``)."""
    if status.quote_state == "pending" and status.quote_request_uri is not None:
        await publish(session, ActivityKind.QUOTE_REQUEST, status.account_id, status_id=status.id)
    elif status.quote_state == "rejected" and status.quote_request_uri is not None:
        await publish(session, ActivityKind.REJECT_QUOTE, quoted.account_id, status_id=status.id)


def _row(
    new: NewPost,
    visibility: str,
    parent: Status | None,
    quoted: Status | None,
    quote_state: str | None,
) -> dict[str, Any]:
    return {
        "id": new.id,
        "account_id": new.author.id,
        "uri": new.uri,
        "url": new.url,
        "text": new.text,
        "content": new.content,
        "spoiler_text": new.spoiler_text,
        # A content warning implies a sensitive post, as in Mastodon.
        "sensitive": new.sensitive or bool(new.spoiler_text) or new.is_spoiler_media,
        "visibility": visibility,
        "language": new.language,
        "in_reply_to_id": parent.id if parent else None,
        "in_reply_to_account_id": parent.account_id if parent else None,
        "conversation_id": (parent.conversation_id or parent.id) if parent else new.id,
        "quote_of_id": quoted.id if quoted else None,
        "quote_state": quote_state,
        "quote_request_uri": _request_uri(new, quote_state),
        "quote_authorization_uri": new.quote_authorization_uri if quoted else None,
        # Mastodon: only public posts can be quoted by others.
        "quote_policy": new.quote_policy if visibility in PUBLIC_VISIBILITIES else "nobody",
        "quote_manual": new.quote_manual if visibility in PUBLIC_VISIBILITIES else None,
        "reply_policy": new.reply_policy,
        **reply_columns(new.author.id, new.reply_approvals, parent),
        "application_id": new.application_id,
        # Never in the future: a wrong clock must not pin a post atop every feed.
        "created_at": min(new.created_at, utcnow()),
        "edited_at": new.edited_at,
        "text_entities": list(new.text_entities),
        "is_spoiler_media": new.is_spoiler_media,
        "text_attachment": new.text_attachment,
        "topic_tag_id": new.topic_tag_id,
        "ghost_expires_at": new.ghost_expires_at,
    }


def _request_uri(new: NewPost, quote_state: str | None) -> str | None:
    """Our QuoteRequest's id (a fragment of our quote's own), or the activity
    that brought another server's quote."""
    if new.author.is_local:
        return f"{new.uri}#quote_request" if quote_state == "pending" else None
    return new.quote_request_uri if quote_state is not None else None


async def _reply_target(
    session: AsyncSession, author: Account, status_id: int | None
) -> Status | None:
    if status_id is None:
        return None
    parent = await session.get(Status, status_id)
    if parent is None or parent.reblog_of_id is not None:
        raise ReplyNotFound()
    if await _judged_elsewhere(session, author, parent):
        return parent
    access = (await access_for(session, author.id, [parent]))[parent.id]
    if not can_view(access):
        raise ReplyNotFound()
    if not can_reply(access):
        raise ReplyRefused()
    return parent


async def _quote_target(session: AsyncSession, new: NewPost) -> tuple[Status | None, str | None]:
    """The quoted post and the quote's state: ``accepted``, ``rejected`` (another
    server's quote our policy refuses) or ``pending`` (waiting for the quoted
    author's approval: see the module's docstring)."""
    author = new.author
    if new.quoted_status_id is None:
        return None, None
    quoted = await session.get(Status, new.quoted_status_id)
    if quoted is None:
        if author.is_local:
            raise NotFound(QUOTE_NOT_FOUND)
        return None, None  # deleted meanwhile: the post is kept without it
    if await _judged_elsewhere(session, author, quoted):
        return quoted, await _approved_elsewhere(session, new, quoted)
    access = (await access_for(session, author.id, [quoted]))[quoted.id]
    if can_quote(access):
        if (
            author.is_local
            and quoted.account_id != author.id
            and not await _is_ours(session, quoted)
        ):
            return quoted, "pending"  # its author's server answers our QuoteRequest
        return quoted, "accepted"
    if not author.is_local:
        return quoted, "rejected"
    if not can_view(access):
        raise NotFound(QUOTE_NOT_FOUND)
    raise Invalid("quoted_status_id", "cannot be quoted by you", "ERR_FORBIDDEN")


async def _is_ours(session: AsyncSession, status: Status) -> bool:
    author = await session.get(Account, status.account_id)
    return author is not None and author.is_local


async def _approved_elsewhere(session: AsyncSession, new: NewPost, quoted: Status) -> str:
    """Another server's quote of a third server's post: FEP-044f's rules."""
    if quoted.account_id == new.author.id or new.quote_authorization_uri is not None:
        return "accepted"
    mentioned = await session.scalar(
        select(Mention.id).where(
            Mention.status_id == quoted.id, Mention.account_id == new.author.id
        )
    )
    return "accepted" if mentioned is not None else "pending"


async def _judged_elsewhere(session: AsyncSession, author: Account, target: Status) -> bool:
    """Whether ``target``'s own server, not us, decides (see the module's docstring)."""
    if author.is_local:
        return False
    target_author = await session.get(Account, target.account_id)
    return target_author is not None and not target_author.is_local


async def _parent_author(
    session: AsyncSession, new: NewPost, parent: Status | None
) -> list[Account]:
    """A reply across servers names the parent's author even when the text does
    not: our Note then tags them, so their server threads it and tells them;
    and our person hears of another server's reply (not every server tags the
    person replied to)."""
    if parent is None or parent.account_id in {a.id for a in new.mentioned}:
        return []
    author = await session.get(Account, parent.account_id)
    if author is None or author.suspended_at is not None:
        return []
    return [author] if author.is_local != new.author.is_local else []


def _silent(status: Status, parent: Status | None) -> list[int]:
    """A followers-only or direct reply lets the parent's author read it, unnamed."""
    if parent is None or status.visibility in PUBLIC_VISIBILITIES:
        return []
    return [parent.account_id]
