"""Following, follow requests, blocks, mutes, restrictions and private notes:
the social graph's writes.

Each action is one transaction. It locks the two accounts' rows in id order
first (``FOR UPDATE`` on PostgreSQL; SQLite has a single writer anyway), so
that a follow and a block of the same pair cannot interleave and leave both
behind, and two people following each other at once cannot deadlock on the
counters. Counters move in SQL (``followers_count + 1``), only when a row
was really added or removed, so repeated and concurrent calls keep them exact.

Self-targeting follows Mastodon: following oneself is "Record not found"
(its ``FollowService#following_not_possible?``); blocking or muting oneself
does nothing (``BlockService``, ``MuteService`` return early).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import Delete, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.chats.start import pair_key
from weft.actions.notifications import notify as record_notification
from weft.actions.outbox import new_follow_uri, publish
from weft.activity_kinds import ActivityKind
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Forbidden, Invalid, NotFound
from weft.jobs.kinds import MERGE, UNMERGE
from weft.jobs.queue import enqueue
from weft.models import (
    Account,
    AccountNote,
    Block,
    Chat,
    ChatMember,
    Follow,
    FollowRequest,
    Mute,
    Notification,
    Restrict,
)
from weft.models.base import utcnow

# A mute may last at most this long when given a duration (Mastodon has no cap; 100 years).
MAX_MUTE_SECONDS = 100 * 365 * 24 * 3600
# A private note on an account, in characters (Mastodon's AccountNote limit).
MAX_NOTE = 2000


async def follow_account(
    db: Database,
    actor_id: int,
    target_id: int,
    *,
    reblogs: bool | None = None,
    notify: bool | None = None,
    uri: str | None = None,
) -> None:
    """Follow ``target_id``, or ask to when the profile is private (or remote).

    Following again changes only the options given (``None`` keeps them), as
    Mastodon does; a new follow shows reblogs and does not notify by default.
    A remote follower's repeated Follow stores its new id and is accepted again.
    ``uri`` is the ActivityPub id of a remote follower's Follow; following a
    remote account makes our own (published as a Follow, answered by Accept).
    """
    if actor_id == target_id:
        raise NotFound()
    async with db.write() as session:
        target = await _lock_pair(session, actor_id, target_id)
        if await _blocked_either_way(session, actor_id, target_id):
            raise Forbidden()
        options = _options(reblogs, notify)
        # A remote account's repeated Follow carries a new id: its Undo will name it.
        again = {**options, "uri": uri} if uri is not None else options
        if await _update_options(session, Follow, actor_id, target_id, again):
            if uri is not None:  # it asks again: answer again, as Mastodon re-accepts
                await publish(session, ActivityKind.ACCEPT, target_id, follower_id=actor_id)
            return
        if await _update_options(session, FollowRequest, actor_id, target_id, again):
            return
        values: dict[str, object] = {"show_reblogs": True, "notify": False, **options, "uri": uri}
        # Remote accounts answer with Accept (federation), so they start as requests.
        if target.locked or not target.is_local:
            if not target.is_local and uri is None:
                values["uri"] = await new_follow_uri(session, actor_id)
            await _insert_pair(session, FollowRequest, actor_id, target_id, values)
            await _notify(session, target, actor_id, "follow_request")
            await publish(session, ActivityKind.FOLLOW, actor_id, target_id=target_id)
        else:
            await _start_follow(session, actor_id, target_id, values)
            await _notify(session, target, actor_id, "follow")
            await publish(session, ActivityKind.ACCEPT, target_id, follower_id=actor_id)


async def unfollow_account(db: Database, actor_id: int, target_id: int) -> None:
    """Stop following ``target_id``, or withdraw the request to; nothing if neither."""
    async with db.write() as session:
        await _lock_pair(session, actor_id, target_id)
        await publish(session, ActivityKind.UNDO_FOLLOW, actor_id, target_id=target_id)
        if not await _end_follow(session, actor_id, target_id):
            await _end_request(session, actor_id, target_id)


async def authorize_follow_request(db: Database, actor_id: int, requester_id: int) -> None:
    """``actor_id`` lets ``requester_id`` follow them; 404 if no request waits."""
    async with db.write() as session:
        await _lock_pair(session, actor_id, requester_id)
        request = await _pair_row(session, FollowRequest, requester_id, actor_id)
        if request is None:
            raise NotFound()
        values = {
            "show_reblogs": request.show_reblogs,
            "notify": request.notify,
            "uri": request.uri,
        }
        await _end_request(session, requester_id, actor_id)
        await _start_follow(session, requester_id, actor_id, values)
        # A remote account accepting our request (the inbox) publishes nothing.
        await publish(session, ActivityKind.ACCEPT, actor_id, follower_id=requester_id)


async def reject_follow_request(db: Database, actor_id: int, requester_id: int) -> None:
    """``actor_id`` turns down ``requester_id``'s request; 404 if no request waits."""
    async with db.write() as session:
        await _lock_pair(session, actor_id, requester_id)
        await publish(session, ActivityKind.REJECT, actor_id, follower_id=requester_id)
        if not await _end_request(session, requester_id, actor_id):
            raise NotFound()


async def remove_from_followers(db: Database, actor_id: int, follower_id: int) -> None:
    """``actor_id`` makes ``follower_id`` stop following them."""
    async with db.write() as session:
        await _lock_pair(session, actor_id, follower_id)
        await publish(session, ActivityKind.REJECT, actor_id, follower_id=follower_id)
        await _end_follow(session, follower_id, actor_id)


async def block_account(
    db: Database, actor_id: int, target_id: int, *, uri: str | None = None
) -> None:
    """Block ``target_id``: follows and requests end both ways, and neither may follow.
    ``uri`` is the id of a remote account's Block (the inbox)."""
    async with db.write() as session:
        await _lock_pair(session, actor_id, target_id)
        if actor_id == target_id:
            return
        for source, target in ((actor_id, target_id), (target_id, actor_id)):
            await _end_follow(session, source, target, unmerge=False)
            await _end_request(session, source, target)
        if await _insert_pair(session, Block, actor_id, target_id, {"uri": uri}):
            # Each side's home loses the other's posts, followed or not (reposts bring them).
            enqueue(session, UNMERGE, _payload(actor_id, target_id))
            enqueue(session, UNMERGE, _payload(target_id, actor_id))
            await publish(session, ActivityKind.BLOCK, actor_id, target_id=target_id)


async def unblock_account(db: Database, actor_id: int, target_id: int) -> None:
    async with db.write() as session:
        await _lock_pair(session, actor_id, target_id)
        await publish(session, ActivityKind.UNDO_BLOCK, actor_id, target_id=target_id)
        await session.execute(_pair_delete(Block, actor_id, target_id))


async def mute_account(
    db: Database,
    actor_id: int,
    target_id: int,
    *,
    notifications: bool = True,
    duration: int = 0,
) -> None:
    """Mute ``target_id`` for ``duration`` seconds (0: until unmuted); muting again
    replaces the options. Feeds and notifications leave muted people out when
    read, so an expired mute needs no clean-up."""
    if duration < 0 or duration > MAX_MUTE_SECONDS:
        raise Invalid("duration", f"must be between 0 and {MAX_MUTE_SECONDS} seconds")
    async with db.write() as session:
        await _lock_pair(session, actor_id, target_id)
        if actor_id == target_id:
            return
        values = {
            "hide_notifications": notifications,
            "expires_at": utcnow() + timedelta(seconds=duration) if duration else None,
        }
        if not await _insert_pair(session, Mute, actor_id, target_id, values):
            await session.execute(
                update(Mute)
                .where(Mute.account_id == actor_id, Mute.target_account_id == target_id)
                .values(**values, created_at=utcnow())
            )


async def unmute_account(db: Database, actor_id: int, target_id: int) -> None:
    async with db.write() as session:
        await _lock_pair(session, actor_id, target_id)
        await session.execute(_pair_delete(Mute, actor_id, target_id))


async def restrict_account(db: Database, actor_id: int, target_id: int) -> None:
    """Restrict ``target_id``, who is not told: their new replies to the
    actor's posts are seen by themselves alone (``Status.restricted``, set by
    weft/actions/posts/replying.py; weft/policies/statuses.is_withheld) and
    notify nobody (weft/actions/notifications.py), and a one-to-one chat with
    them goes back to the actor's requests (new ones start there)."""
    async with db.write() as session:
        await _lock_pair(session, actor_id, target_id)
        if actor_id == target_id:
            return
        if not await _insert_pair(session, Restrict, actor_id, target_id, {}):
            return
        chat_id = select(Chat.id).where(Chat.pair_key == pair_key(actor_id, target_id))
        await session.execute(
            update(ChatMember)
            .where(
                ChatMember.chat_id.in_(chat_id.scalar_subquery()), ChatMember.account_id == actor_id
            )
            .where(ChatMember.folder == "inbox")
            .values(folder="requests", accepted=False)
        )


async def unrestrict_account(db: Database, actor_id: int, target_id: int) -> None:
    """Lift a restriction; the replies made meanwhile stay their author's alone."""
    async with db.write() as session:
        await _lock_pair(session, actor_id, target_id)
        await session.execute(_pair_delete(Restrict, actor_id, target_id))


async def set_account_note(db: Database, actor_id: int, target_id: int, comment: str) -> None:
    """One's private note on an account (empty: none)."""
    if len(comment) > MAX_NOTE:
        raise Invalid("comment", f"is too long (at most {MAX_NOTE} characters)", "ERR_TOO_LONG")
    async with db.write() as session:
        target = await session.get(Account, target_id)
        if target is None or target.suspended_at is not None:
            raise NotFound()
        await session.execute(_pair_delete(AccountNote, actor_id, target_id))
        if comment.strip():
            values = {"id": new_id(), "account_id": actor_id, "target_account_id": target_id}
            session.add(AccountNote(**values, comment=comment, updated_at=utcnow()))


# --- the steps the actions share --------------------------------------------------------

PairModel = (
    type[Follow]
    | type[FollowRequest]
    | type[Block]
    | type[Mute]
    | type[Restrict]
    | type[AccountNote]
)


async def _lock_pair(session: AsyncSession, actor_id: int, target_id: int) -> Account:
    """Lock both accounts (in id order) and return the target; 404 if it is gone."""
    rows = await session.scalars(
        select(Account)
        .where(Account.id.in_({actor_id, target_id}))
        .order_by(Account.id)
        .with_for_update()
    )
    accounts = {a.id: a for a in rows}
    target = accounts.get(target_id)
    if target is None or target.suspended_at is not None or actor_id not in accounts:
        raise NotFound()
    return target


async def _blocked_either_way(session: AsyncSession, a: int, b: int) -> bool:
    found = await session.scalar(
        select(Block.id)
        .where(
            ((Block.account_id == a) & (Block.target_account_id == b))
            | ((Block.account_id == b) & (Block.target_account_id == a))
        )
        .limit(1)
    )
    return found is not None


def _options(reblogs: bool | None, notify: bool | None) -> dict[str, bool]:
    options = {}
    if reblogs is not None:
        options["show_reblogs"] = reblogs
    if notify is not None:
        options["notify"] = notify
    return options


async def _pair_row(
    session: AsyncSession, model: type[FollowRequest], source: int, target: int
) -> FollowRequest | None:
    return await session.scalar(
        select(model).where(model.account_id == source, model.target_account_id == target)
    )


async def _update_options(
    session: AsyncSession,
    model: type[Follow] | type[FollowRequest],
    source: int,
    target: int,
    options: Mapping[str, object],
) -> bool:
    """Change a follow's (or request's) options; False when there is none."""
    query = select(model.id).where(model.account_id == source, model.target_account_id == target)
    if await session.scalar(query) is None:
        return False
    if options:
        await session.execute(
            update(model)
            .where(model.account_id == source, model.target_account_id == target)
            .values(**options)
        )
    return True


async def _insert_pair(
    session: AsyncSession, model: PairModel, source: int, target: int, values: Mapping[str, object]
) -> bool:
    row = {"id": new_id(), "account_id": source, "target_account_id": target}
    return await insert_ignore(session, model, {**row, "created_at": utcnow(), **values})


def _pair_delete(model: PairModel, source: int, target: int) -> Delete:
    return delete(model).where(model.account_id == source, model.target_account_id == target)


async def _start_follow(
    session: AsyncSession, follower: int, followee: int, values: Mapping[str, object]
) -> None:
    if await _insert_pair(session, Follow, follower, followee, values):
        await _count(session, follower, followee, +1)
        enqueue(session, MERGE, _payload(follower, followee))


async def _end_follow(
    session: AsyncSession, follower: int, followee: int, *, unmerge: bool = True
) -> bool:
    """Remove a follow (and its notification); True if there was one."""
    result = await session.execute(_pair_delete(Follow, follower, followee))
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    await _count(session, follower, followee, -1)
    await _forget_notification(session, followee, follower, "follow")
    if unmerge:
        enqueue(session, UNMERGE, _payload(follower, followee))
    return True


async def _end_request(session: AsyncSession, requester: int, target: int) -> bool:
    """Remove a follow request (and its notification); True if there was one."""
    result = await session.execute(_pair_delete(FollowRequest, requester, target))
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    await _forget_notification(session, target, requester, "follow_request")
    return True


async def _count(session: AsyncSession, follower: int, followee: int, delta: int) -> None:
    await session.execute(
        update(Account)
        .where(Account.id == follower)
        .values(following_count=Account.following_count + delta)
    )
    await session.execute(
        update(Account)
        .where(Account.id == followee)
        .values(followers_count=Account.followers_count + delta)
    )


async def _notify(session: AsyncSession, target: Account, actor_id: int, kind: str) -> None:
    if target.is_local:
        await record_notification(
            session, recipient_id=target.id, from_account_id=actor_id, type=kind
        )


async def _forget_notification(
    session: AsyncSession, recipient: int, sender: int, kind: str
) -> None:
    """A follow or request that no longer exists takes its notification with it
    (Mastodon's ``has_one :notification, dependent: :destroy``), so a later
    follow notifies again."""
    await session.execute(
        delete(Notification).where(
            Notification.account_id == recipient,
            Notification.from_account_id == sender,
            Notification.type == kind,
            Notification.status_id.is_(None),
        )
    )


def _payload(account_id: int, target_account_id: int) -> dict[str, int]:
    return {"account_id": account_id, "target_account_id": target_account_id}
