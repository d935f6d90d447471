"""Who must hear of a change: "tell the fediverse" inside the action's transaction.

``await publish(session, ActivityKind.LIKE, actor_id, **ids)`` queues one
``federation.publish`` job with the change, committed with it or not at all.
It does nothing for a remote actor (the inbox calls the same actions: no
echoes, no loops), for a local person whose fediverse switch is off, or when
no other server is concerned (a like of a local post, a follow between two
local people). The job (``weft.federation.delivery``) builds the activity
(``weft.federation.outgoing``) and works out the inboxes; whether federation
is on at all is checked there.

What an undo or a delete must name (a like's id, a follow's id, a deleted
post's readers) is read here, before the action removes the rows.

The kinds, and the ids each is published with, are in ``weft.activity_kinds``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.activity_kinds import ActivityKind, check_covered
from weft.db.ids import new_id
from weft.jobs.kinds import PUBLISH
from weft.jobs.queue import enqueue
from weft.models import (
    Account,
    Block,
    Chat,
    ChatMember,
    ChatMessage,
    Favourite,
    Follow,
    FollowRequest,
    Mention,
    Poll,
    PollVote,
    Status,
)

INSTANCE_ACTOR_TYPE = "Application"

Payload = dict[str, Any]
Prepare = Callable[[AsyncSession, Account, Payload], Awaitable[Payload | None]]


def federating(account: Account | None) -> bool:
    """Whether ``account`` speaks to the fediverse: local, switch on, not suspended."""
    return (
        account is not None
        and account.is_local
        and account.federated
        and account.suspended_at is None
        and account.actor_type != INSTANCE_ACTOR_TYPE
    )


async def publish(session: AsyncSession, kind: ActivityKind, actor_id: int, **ids: int) -> None:
    """Queue the ``kind`` activity of ``actor_id`` in ``session``'s transaction."""
    actor = await session.get(Account, actor_id)
    if actor is None or not federating(actor):
        return
    payload = await _PREPARE[kind](session, actor, dict(ids))
    if payload is not None:
        enqueue(session, PUBLISH, {"kind": kind.value, "actor_id": actor_id, **payload})


async def new_follow_uri(session: AsyncSession, actor_id: int) -> str:
    """A fresh id for a Follow that ``actor_id`` (local) sends."""
    uri = await session.scalar(select(Account.uri).where(Account.id == actor_id))
    if uri is None:
        raise ValueError(f"account {actor_id} has no actor URI")
    return f"{uri}#follows/{new_id()}"


# --- what each kind must capture ------------------------------------------------------


async def _is_remote(session: AsyncSession, account_id: int | None) -> bool:
    if account_id is None:
        return False
    domain = await session.scalar(select(Account.domain).where(Account.id == account_id))
    return domain is not None


async def _has_remote_followers(session: AsyncSession, actor: Account) -> bool:
    found = await session.scalar(
        select(Follow.id)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == actor.id, Account.domain.is_not(None))
        .limit(1)
    )
    return found is not None


async def _post(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """A post or an edit: sent when a remote account follows, is mentioned, replied
    to or quoted (the job works out exactly whom)."""
    status = await session.get(Status, ids["status_id"])
    if status is None or status.reblog_of_id is not None:
        return None
    if status.visibility != "direct" and await _has_remote_followers(session, actor):
        return ids
    quoted = None
    if status.quote_of_id is not None:
        quoted = await session.scalar(
            select(Status.account_id).where(Status.id == status.quote_of_id)
        )
    concerned = select(Account.id).where(
        Account.domain.is_not(None),
        Account.id.in_(select(Mention.account_id).where(Mention.status_id == status.id))
        | Account.id.in_({a for a in (status.in_reply_to_account_id, quoted) if a is not None}),
    )
    return ids if await session.scalar(concerned.limit(1)) is not None else None


async def _profile(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    return ids if await _has_remote_followers(session, actor) else None


async def _delete(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """A deleted post's readers are gone with it: keep the note's id and the remote
    accounts that must hear of it (mentioned, replied to, quoted, reposters)."""
    status = await session.get(Status, ids["status_id"])
    if status is None or status.uri is None:
        return None
    if status.reblog_of_id is not None:  # deleting a repost undoes it
        undone = await _undo_announce(session, actor, ids)
        return None if undone is None else {"kind": ActivityKind.UNDO_ANNOUNCE.value, **undone}
    concerned = {status.in_reply_to_account_id}
    if status.quote_of_id is not None:
        concerned.add(
            await session.scalar(select(Status.account_id).where(Status.id == status.quote_of_id))
        )
    concerned.update(
        await session.scalars(select(Mention.account_id).where(Mention.status_id == status.id))
    )
    concerned.update(
        await session.scalars(select(Status.account_id).where(Status.reblog_of_id == status.id))
    )
    wanted = {a for a in concerned if a is not None}
    remote = await session.scalars(
        select(Account.id).where(Account.id.in_(wanted), Account.domain.is_not(None))
    )
    return {
        "status_id": status.id,
        "uri": status.uri,
        "followers": status.visibility != "direct",
        "account_ids": sorted(remote),
    }


async def _like(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    status = await session.get(Status, ids["status_id"])
    if status is None or not await _is_remote(session, status.account_id):
        return None
    favourite = await session.scalar(
        select(Favourite).where(Favourite.account_id == actor.id, Favourite.status_id == status.id)
    )
    if favourite is None:
        return None
    like_id = favourite.uri or f"{actor.uri}#likes/{favourite.id}"
    return {"status_id": status.id, "like_id": like_id}


async def _announce(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    repost = await session.get(Status, ids["status_id"])
    if repost is None or repost.reblog_of_id is None:
        return None
    return {"status_id": repost.id}


async def _undo_announce(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    repost = await session.get(Status, ids["status_id"])
    if repost is None or repost.reblog_of_id is None:
        return None
    return {
        "status_id": repost.id,
        "original_id": repost.reblog_of_id,
        "visibility": repost.visibility,
        "published": repost.created_at.isoformat(),
    }


async def _pair_uri(
    session: AsyncSession, model: type[Follow] | type[FollowRequest] | type[Block], a: int, b: int
) -> tuple[int, str | None] | None:
    row = (
        await session.execute(
            select(model.id, model.uri).where(model.account_id == a, model.target_account_id == b)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def _outgoing_follow(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """Our Follow of a remote account (a follow or a request still waiting)."""
    target_id = ids["target_id"]
    if not await _is_remote(session, target_id):
        return None
    found = await _pair_uri(session, Follow, actor.id, target_id) or await _pair_uri(
        session, FollowRequest, actor.id, target_id
    )
    if found is None:
        return None
    row_id, uri = found
    return {"target_id": target_id, "follow_uri": uri or f"{actor.uri}#follows/{row_id}"}


async def _incoming_follow(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """A remote account's Follow of ``actor`` (accepted, or a request still waiting)."""
    follower_id = ids["follower_id"]
    if not await _is_remote(session, follower_id):
        return None
    found = await _pair_uri(session, Follow, follower_id, actor.id) or await _pair_uri(
        session, FollowRequest, follower_id, actor.id
    )
    if found is None or found[1] is None:
        return None  # without their Follow's id there is nothing to answer
    return {"follower_id": follower_id, "follow_uri": found[1], "number": found[0]}


async def _block(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    target_id = ids["target_id"]
    if not await _is_remote(session, target_id):
        return None
    found = await _pair_uri(session, Block, actor.id, target_id)
    if found is None:
        return None
    row_id, uri = found
    return {"target_id": target_id, "block_id": uri or f"{actor.uri}#blocks/{row_id}"}


async def _our_quote(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """Our quote of another server's post: its ``QuoteRequest``."""
    status = await session.get(Status, ids["status_id"])
    if status is None or status.quote_of_id is None or status.account_id != actor.id:
        return None
    quoted_author = await session.scalar(
        select(Status.account_id).where(Status.id == status.quote_of_id)
    )
    return ids if await _is_remote(session, quoted_author) else None


async def _their_quote(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """Another server's quote of ``actor``'s post: the answer to its request, or
    the revocation of our approval (what it needs is kept on the quote's row)."""
    status = await session.get(Status, ids["status_id"])
    if status is None or status.quote_of_id is None:
        return None
    quoted_author = await session.scalar(
        select(Status.account_id).where(Status.id == status.quote_of_id)
    )
    if quoted_author != actor.id or not await _is_remote(session, status.account_id):
        return None
    return {"status_id": status.id, "request_uri": status.quote_request_uri}


async def _vote(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """Our vote in another server's poll: to its author."""
    vote = await session.get(PollVote, ids["vote_id"])
    poll = await session.get(Poll, vote.poll_id) if vote is not None else None
    if vote is None or poll is None or vote.account_id != actor.id:
        return None
    return ids if await _is_remote(session, poll.account_id) else None


async def _poll_results(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """Our poll's results: to whoever has the post, and to its voters elsewhere."""
    poll = await session.scalar(select(Poll).where(Poll.status_id == ids["status_id"]))
    if poll is None or poll.account_id != actor.id:
        return None
    voters = await session.scalars(
        select(PollVote.account_id)
        .join(Account, Account.id == PollVote.account_id)
        .where(PollVote.poll_id == poll.id, Account.domain.is_not(None))
        .distinct()
    )
    remote_voters = sorted(voters)
    if remote_voters or await _post(session, actor, ids) is not None:
        return {"status_id": ids["status_id"], "account_ids": remote_voters}
    return None


async def _message(session: AsyncSession, actor: Account, ids: Payload) -> Payload | None:
    """A message of a one-to-one chat whose other member is on another server
    (group chats never federate): the message and that member. Read before
    a delete removes the row."""
    message = await session.get(ChatMessage, ids["message_id"])
    if message is None or message.account_id != actor.id:
        return None
    other = await session.scalar(
        select(ChatMember.account_id)
        .join(Chat, Chat.id == ChatMember.chat_id)
        .join(Account, Account.id == ChatMember.account_id)
        .where(
            ChatMember.chat_id == message.chat_id,
            ChatMember.account_id != actor.id,
            Chat.is_group.is_(False),
            Account.domain.is_not(None),
        )
    )
    if other is None:
        return None
    return {"message_id": message.id, "account_id": other}


_PREPARE: dict[ActivityKind, Prepare] = {
    ActivityKind.CREATE: _post,
    ActivityKind.UPDATE: _post,
    ActivityKind.DELETE: _delete,
    ActivityKind.LIKE: _like,
    ActivityKind.UNDO_LIKE: _like,
    ActivityKind.ANNOUNCE: _announce,
    ActivityKind.UNDO_ANNOUNCE: _undo_announce,
    ActivityKind.FOLLOW: _outgoing_follow,
    ActivityKind.UNDO_FOLLOW: _outgoing_follow,
    ActivityKind.ACCEPT: _incoming_follow,
    ActivityKind.REJECT: _incoming_follow,
    ActivityKind.BLOCK: _block,
    ActivityKind.UNDO_BLOCK: _block,
    ActivityKind.UPDATE_PERSON: _profile,
    ActivityKind.QUOTE_REQUEST: _our_quote,
    ActivityKind.UPDATE_QUOTE: _post,
    ActivityKind.ACCEPT_QUOTE: _their_quote,
    ActivityKind.REJECT_QUOTE: _their_quote,
    ActivityKind.REVOKE_QUOTE: _their_quote,
    ActivityKind.VOTE: _vote,
    ActivityKind.UPDATE_POLL: _poll_results,
    ActivityKind.MESSAGE: _message,
    ActivityKind.UPDATE_MESSAGE: _message,
    ActivityKind.DELETE_MESSAGE: _message,
}
check_covered(_PREPARE, __name__)
