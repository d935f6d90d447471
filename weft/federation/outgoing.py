"""From a ``federation.publish`` payload to the activity and its audience.

``weft.actions.outbox`` captured the ids (and, for undos and deletes,
what the action was about to remove); this reads the rest and renders with
``weft.federation.activities``. ``None`` means there is nothing to send any
more (the post or the account went away meanwhile).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from weft.activity_kinds import ActivityKind, check_covered
from weft.config import Settings
from weft.db.ids import new_id
from weft.federation import activities, messages, questions, quotes
from weft.federation.actors import actor_uri, followers_uri, person
from weft.federation.loading import note_sources
from weft.federation.notes import authorization_uri, note, note_uri
from weft.models import Account, ChatMessage, Poll, PollVote, Status
from weft.models.base import utcnow


@dataclass
class Audience:
    """Who an activity goes to: the actor's followers, and some accounts by id."""

    followers: bool = False
    account_ids: set[int] = field(default_factory=set)


Built = tuple[dict[str, Any], Audience]
Builder = Callable[[AsyncSession, Settings, Account, dict[str, Any]], Awaitable[Built | None]]


async def build_activity(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    return await _BUILDERS[ActivityKind(payload["kind"])](session, settings, actor, payload)


def _audience(followers: bool = False, *account_ids: int | None) -> Audience:
    return Audience(followers, {a for a in account_ids if a is not None})


async def _own_post(session: AsyncSession, actor: Account, status_id: int) -> Status | None:
    status = await session.get(Status, status_id)
    if status is None or status.account_id != actor.id:
        return None
    return status


async def _account(session: AsyncSession, account_id: int) -> Account | None:
    return await session.get(Account, account_id)


# --- posts ------------------------------------------------------------------------


async def _note(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    status = await _own_post(session, actor, int(payload["status_id"]))
    if status is None or status.reblog_of_id is not None:
        return None
    sources = await note_sources(session, [status])
    document = note(status, sources, settings)
    mentioned = [a.id for a in sources.bundle.mentions.get(status.id, [])]
    quoted = sources.bundle.statuses.get(status.quote_of_id or 0)
    direct = status.visibility == "direct"
    audience = _audience(
        not direct,
        *mentioned,
        None if direct else status.in_reply_to_account_id,
        quoted.account_id if quoted is not None and not direct else None,
    )
    if payload["kind"] == ActivityKind.UPDATE_QUOTE:
        return quotes.update_quote(document, status.quote_state or "none"), audience
    if payload["kind"] == ActivityKind.UPDATE and status.edited_at is not None:
        return activities.update_note(document, status.edited_at), audience
    created = activities.create_note(document)
    if "again" in payload:  # unarchived (weft.actions.archive): not the first Create's id
        created["id"] = f"{created['id']}#again-{payload['again']}"
    return created, audience


async def _delete(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    activity = activities.delete_note(str(payload["uri"]), actor_uri(actor, settings))
    return activity, _audience(bool(payload["followers"]), *payload["account_ids"])


async def _like(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or status.uri is None:
        return None
    activity = activities.like(str(payload["like_id"]), actor_uri(actor, settings), status.uri)
    if payload["kind"] == ActivityKind.UNDO_LIKE:
        activity = activities.undo(activity)
    return activity, _audience(False, status.account_id)


async def _announce(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    undoing = payload["kind"] == ActivityKind.UNDO_ANNOUNCE
    if undoing:
        repost_id, original_id = int(payload["status_id"]), int(payload["original_id"])
        visibility, published = (
            str(payload["visibility"]),
            datetime.fromisoformat(str(payload["published"])),
        )
    else:
        repost = await _own_post(session, actor, int(payload["status_id"]))
        if repost is None or repost.reblog_of_id is None:
            return None
        repost_id, original_id = repost.id, repost.reblog_of_id
        visibility, published = repost.visibility, repost.created_at
    original = await session.get(Status, original_id)
    author = await _account(session, original.account_id) if original is not None else None
    if original is None or author is None:
        return None
    me = actor_uri(actor, settings)
    to, cc = activities.announce_addressing(
        visibility, followers_uri(actor, settings), actor_uri(author, settings)
    )
    activity = activities.announce(
        f"{me}/statuses/{repost_id}",
        me,
        note_uri(original, author, settings),
        published,
        to,
        cc,
    )
    if undoing:
        activity = activities.undo_announce(activity, me, repost_id)
    return activity, _audience(visibility != "direct", author.id)


# --- polls ---------------------------------------------------------------------------


async def _vote(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    """Our vote in another server's poll, to its author (weft/federation/questions.py)."""
    vote = await session.get(PollVote, int(payload["vote_id"]))
    poll = await session.get(Poll, vote.poll_id) if vote is not None else None
    status = await session.get(Status, poll.status_id) if poll is not None else None
    author = await _account(session, poll.account_id) if poll is not None else None
    if vote is None or poll is None or status is None or author is None:
        return None
    if status.uri is None or author.uri is None or vote.choice >= len(poll.options):
        return None
    activity = questions.vote_activity(
        actor_uri(actor, settings), vote.id, poll.options[vote.choice], status.uri, author.uri
    )
    return activity, _audience(False, author.id)


async def _poll_results(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    """An ``Update`` of our ``Question`` with its tallies (each its own id: the
    inbox takes an activity id once)."""
    built = await _note(session, settings, actor, {**payload, "kind": ActivityKind.CREATE})
    if built is None:
        return None
    create, audience = built
    activity = activities.update_note(create["object"], utcnow())
    activity["id"] = f"{create['object']['id']}#updates/results/{new_id()}"
    audience.account_ids.update(int(a) for a in payload.get("account_ids", []))
    return activity, audience


# --- quotes (FEP-044f) ---------------------------------------------------------------


async def _quote_request(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    """Ours, to the quoted post's author, while our quote waits."""
    status = await _own_post(session, actor, int(payload["status_id"]))
    if status is None or status.quote_state != "pending" or status.quote_request_uri is None:
        return None
    quoted = await session.get(Status, status.quote_of_id or 0)
    author = await _account(session, quoted.account_id) if quoted is not None else None
    if quoted is None or author is None:
        return None
    document = note(status, await note_sources(session, [status]), settings)
    quoted_uri = note_uri(quoted, author, settings)
    activity = quotes.quote_request(
        actor_uri(actor, settings), quoted_uri, document, status.quote_request_uri
    )
    return activity, _audience(False, author.id)


async def _their_quote(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    """Our answer to another server's quote of ``actor``'s post, or its revocation."""
    status = await session.get(Status, int(payload["status_id"]))
    quoted = await session.get(Status, status.quote_of_id or 0) if status is not None else None
    quoter = await _account(session, status.account_id) if status is not None else None
    if status is None or quoted is None or quoter is None or quoter.uri is None:
        return None
    if status.uri is None or quoted.account_id != actor.id:
        return None
    me = actor_uri(actor, settings)
    authorization = authorization_uri(quoted, actor, status.id, settings)
    kind = ActivityKind(payload["kind"])
    if kind == ActivityKind.REVOKE_QUOTE:
        return quotes.delete_authorization(authorization, me), _audience(True, quoter.id)
    request = quotes.request_object(
        str(payload["request_uri"]), quoter.uri, note_uri(quoted, actor, settings), status.uri
    )
    if kind == ActivityKind.ACCEPT_QUOTE:
        if status.quote_state != "accepted":
            return None  # revoked meanwhile
        activity = quotes.accept(request, me, status.id, authorization)
    else:
        activity = quotes.reject(request, me, status.id)
    return activity, _audience(False, quoter.id)


# --- follows and blocks -------------------------------------------------------------


async def _follow(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    target = await _account(session, int(payload["target_id"]))
    if target is None or target.uri is None:
        return None
    activity = activities.follow(str(payload["follow_uri"]), actor_uri(actor, settings), target.uri)
    if payload["kind"] == ActivityKind.UNDO_FOLLOW:
        activity = activities.undo(activity)
    return activity, _audience(False, target.id)


async def _answer(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    follower = await _account(session, int(payload["follower_id"]))
    if follower is None or follower.uri is None:
        return None
    me = actor_uri(actor, settings)
    their_follow = activities.follow(str(payload["follow_uri"]), follower.uri, me)
    answer = (
        activities.accept_follow
        if payload["kind"] == ActivityKind.ACCEPT
        else activities.reject_follow
    )
    return answer(their_follow, me, int(payload["number"])), _audience(False, follower.id)


async def _block(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    target = await _account(session, int(payload["target_id"]))
    if target is None or target.uri is None:
        return None
    activity = activities.block(str(payload["block_id"]), actor_uri(actor, settings), target.uri)
    if payload["kind"] == ActivityKind.UNDO_BLOCK:
        activity = activities.undo(activity)
    return activity, _audience(False, target.id)


# --- people -------------------------------------------------------------------------


async def _update_person(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    return activities.update_person(person(actor, settings), actor.updated_at), _audience(True)


# --- chat messages (weft/federation/messages.py) -----------------------------------


async def _message(
    session: AsyncSession, settings: Settings, actor: Account, payload: dict[str, Any]
) -> Built | None:
    recipient = await _account(session, int(payload["account_id"]))
    if recipient is None or recipient.domain is None:
        return None
    audience = _audience(False, recipient.id)
    message_id = int(payload["message_id"])
    if payload["kind"] == ActivityKind.DELETE_MESSAGE:
        uri = messages.message_uri(actor, message_id, settings)
        deleted = activities.delete_note(uri, actor_uri(actor, settings))
        deleted["to"] = [recipient.uri]
        return deleted, audience
    message = await session.get(ChatMessage, message_id)
    if message is None or message.account_id != actor.id:
        return None
    document = await messages.message_note(session, settings, actor, message, recipient)
    if payload["kind"] == ActivityKind.UPDATE_MESSAGE and message.edited_at is not None:
        return activities.update_note(document, message.edited_at), audience
    return activities.create_note(document), audience


_BUILDERS: dict[ActivityKind, Builder] = {
    ActivityKind.CREATE: _note,
    ActivityKind.UPDATE: _note,
    ActivityKind.DELETE: _delete,
    ActivityKind.LIKE: _like,
    ActivityKind.UNDO_LIKE: _like,
    ActivityKind.ANNOUNCE: _announce,
    ActivityKind.UNDO_ANNOUNCE: _announce,
    ActivityKind.FOLLOW: _follow,
    ActivityKind.UNDO_FOLLOW: _follow,
    ActivityKind.ACCEPT: _answer,
    ActivityKind.REJECT: _answer,
    ActivityKind.BLOCK: _block,
    ActivityKind.UNDO_BLOCK: _block,
    ActivityKind.UPDATE_PERSON: _update_person,
    ActivityKind.QUOTE_REQUEST: _quote_request,
    ActivityKind.UPDATE_QUOTE: _note,
    ActivityKind.ACCEPT_QUOTE: _their_quote,
    ActivityKind.REJECT_QUOTE: _their_quote,
    ActivityKind.REVOKE_QUOTE: _their_quote,
    ActivityKind.VOTE: _vote,
    ActivityKind.UPDATE_POLL: _poll_results,
    ActivityKind.MESSAGE: _message,
    ActivityKind.UPDATE_MESSAGE: _message,
    ActivityKind.DELETE_MESSAGE: _message,
}
check_covered(_BUILDERS, __name__)
