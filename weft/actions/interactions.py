"""Likes, reposts, saves and pins.

Counters stay exact however many people act at once: a like is an
``INSERT ... ON CONFLICT DO NOTHING`` and the counter moves, in SQL, only when
a row was really inserted or deleted. A repost is a status of its own (one per
person and post, by a unique index), fanned out to the reposter's followers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.live import tell_streams
from weft.actions.notifications import notify
from weft.actions.outbox import publish
from weft.activity_kinds import ActivityKind
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Forbidden, Invalid, NotFound
from weft.events import DELETE
from weft.jobs.kinds import FAN_OUT, REMOVE
from weft.jobs.queue import enqueue
from weft.models import Account, Bookmark, Favourite, Notification, Status, StatusPin, User
from weft.models.base import utcnow
from weft.policies.statuses import can_interact, can_reblog, can_view
from weft.queries.relations import access_for

PIN_LIMIT = 5
REBLOG_VISIBILITIES = ("public", "unlisted", "private")


class PinRefused(Invalid):
    """A 422 with Mastodon's own sentence (not "Validation failed: field ...")."""

    def __init__(self, message: str) -> None:
        super().__init__("base", message, "ERR_INVALID")
        self.message = f"Validation failed: {message}"


async def favourite(db: Database, actor_id: int, status_id: int, *, uri: str | None = None) -> int:
    """Like a post (a repost's original); returns the liked post's id. ``uri`` is
    the id of a remote account's Like (the inbox), kept for its Undo."""
    async with db.write() as session:
        status = await _original(session, actor_id, status_id)
        values = {"id": new_id(), "account_id": actor_id, "status_id": status.id, "uri": uri}
        if await insert_ignore(session, Favourite, values | {"created_at": utcnow()}):
            await _bump(session, status.id, "favourites_count", 1)
            await notify(
                session,
                recipient_id=status.account_id,
                from_account_id=actor_id,
                type="favourite",
                status_id=status.id,
            )
            await publish(session, ActivityKind.LIKE, actor_id, status_id=status.id)
        return status.id


async def unfavourite(db: Database, actor_id: int, status_id: int) -> int:
    async with db.write() as session:
        status = await _original(session, actor_id, status_id, own_mark=Favourite)
        await publish(session, ActivityKind.UNDO_LIKE, actor_id, status_id=status.id)
        removed = await session.execute(
            delete(Favourite).where(
                Favourite.account_id == actor_id, Favourite.status_id == status.id
            )
        )
        if removed.rowcount:  # type: ignore[attr-defined]
            await _bump(session, status.id, "favourites_count", -1)
            await _forget(session, status, actor_id, "favourite")
        return status.id


async def bookmark(db: Database, actor_id: int, status_id: int) -> int:
    async with db.write() as session:
        status = await _original(session, actor_id, status_id)
        values = {"id": new_id(), "account_id": actor_id, "status_id": status.id}
        await insert_ignore(session, Bookmark, values | {"created_at": utcnow()})
        return status.id


async def unbookmark(db: Database, actor_id: int, status_id: int) -> int:
    async with db.write() as session:
        status = await _original(session, actor_id, status_id, own_mark=Bookmark)
        await session.execute(
            delete(Bookmark).where(Bookmark.account_id == actor_id, Bookmark.status_id == status.id)
        )
        return status.id


async def reblog(
    db: Database,
    actor_id: int,
    status_id: int,
    visibility: str | None = None,
    *,
    uri: str | None = None,
) -> int:
    """Repost a post (reposting a repost reposts its original); returns the
    repost's id. Reposting again returns the existing repost. ``uri`` is the
    id of a remote account's Announce (the inbox)."""
    if visibility is not None and visibility not in REBLOG_VISIBILITIES:
        raise Invalid("visibility", "must be public, unlisted or private")
    async with db.write() as session:
        status = await _visible(session, actor_id, status_id)
        if status.reblog_of_id is not None:
            status = await _visible(session, actor_id, status.reblog_of_id)
        if status.ghost_expires_at is not None:
            raise Invalid("id", "a ghost post cannot be reposted", "ERR_FORBIDDEN")
        access = (await access_for(session, actor_id, [status]))[status.id]
        if not can_reblog(access):
            raise Forbidden()
        if status.visibility == "private":
            visibility = "private"  # one's own followers-only post stays followers-only
        repost_id = new_id()
        values = {
            "id": repost_id,
            "account_id": actor_id,
            "reblog_of_id": status.id,
            "visibility": visibility or await _default_visibility(session, actor_id),
            "uri": uri,
            "created_at": utcnow(),
        }
        if not await insert_ignore(session, Status, values):
            return await _existing_reblog(session, actor_id, status.id)
        await _bump(session, status.id, "reblogs_count", 1)
        await _count_post(session, actor_id, 1)
        await notify(
            session,
            recipient_id=status.account_id,
            from_account_id=actor_id,
            type="reblog",
            status_id=status.id,
        )
        enqueue(session, FAN_OUT, {"status_id": repost_id})
        await publish(session, ActivityKind.ANNOUNCE, actor_id, status_id=repost_id)
        return repost_id


async def unreblog(db: Database, actor_id: int, status_id: int) -> int:
    """Undo a repost of ``status_id`` (or of the original of the repost given);
    returns the original's id."""
    async with db.write() as session:
        status = await _original(session, actor_id, status_id, own_mark=Status)
        repost_id = await session.scalar(
            select(Status.id).where(Status.account_id == actor_id, Status.reblog_of_id == status.id)
        )
        if repost_id is None:
            return status.id
        repost = await session.get(Status, repost_id)
        if repost is not None:
            await tell_streams(session, DELETE, repost)
        # The row is gone when the job runs: the author's id tells it whose feeds to clear.
        enqueue(session, REMOVE, {"status_id": repost_id, "account_id": actor_id})
        await publish(session, ActivityKind.UNDO_ANNOUNCE, actor_id, status_id=repost_id)
        removed = await session.execute(delete(Status).where(Status.id == repost_id))
        if removed.rowcount:  # type: ignore[attr-defined]
            await _bump(session, status.id, "reblogs_count", -1)
            await _count_post(session, actor_id, -1)
            await _forget(session, status, actor_id, "reblog")
        return status.id


async def pin(db: Database, actor_id: int, status_id: int) -> int:
    """Pin one's own post to one's profile (at most ``PIN_LIMIT``)."""
    async with db.write() as session:
        status = await _visible(session, actor_id, status_id)
        if status.account_id != actor_id:
            raise PinRefused("Someone else's post cannot be pinned")
        if status.reblog_of_id is not None:
            raise PinRefused("A boost cannot be pinned")
        if status.visibility == "direct":
            raise PinRefused("Posts that are only visible to mentioned users cannot be pinned")
        # Lock the account: two pins at once must not both pass the count (PostgreSQL).
        await session.execute(select(Account.id).where(Account.id == actor_id).with_for_update())
        pinned = await session.scalar(
            select(func.count()).select_from(StatusPin).where(StatusPin.account_id == actor_id)
        )
        already = await session.scalar(
            select(StatusPin.id).where(
                StatusPin.account_id == actor_id, StatusPin.status_id == status.id
            )
        )
        if already is None and (pinned or 0) >= PIN_LIMIT:
            raise PinRefused("You have already pinned the maximum number of posts")
        values = {"id": new_id(), "account_id": actor_id, "status_id": status.id}
        await insert_ignore(session, StatusPin, values | {"created_at": utcnow()})
        return status.id


async def unpin(db: Database, actor_id: int, status_id: int) -> int:
    async with db.write() as session:
        status = await _visible(session, actor_id, status_id)
        await session.execute(
            delete(StatusPin).where(
                StatusPin.account_id == actor_id, StatusPin.status_id == status.id
            )
        )
        return status.id


async def _visible(session: AsyncSession, actor_id: int, status_id: int) -> Status:
    """The post, if the actor may see it; 404 otherwise (its existence does not leak)."""
    status = await session.get(Status, status_id)
    if status is None:
        raise NotFound()
    access = (await access_for(session, actor_id, [status]))[status.id]
    if not can_view(access):
        raise NotFound()
    return status


async def _original(
    session: AsyncSession, actor_id: int, status_id: int, own_mark: Any = None
) -> Status:
    """The post to act on: a repost's original, if the actor may interact with it.

    Undoing (``own_mark`` given) works on a post one has marked even if one can
    no longer see it, as in Mastodon: a block must not pin a like in place.
    """
    status = await session.get(Status, status_id)
    if status is not None and status.reblog_of_id is not None:
        status = await session.get(Status, status.reblog_of_id)
    if status is None:
        raise NotFound()
    access = (await access_for(session, actor_id, [status]))[status.id]
    if can_interact(access):
        return status
    if own_mark is not None and await _has_mark(session, own_mark, actor_id, status.id):
        return status
    raise NotFound()


async def _has_mark(session: AsyncSession, model: Any, actor_id: int, status_id: int) -> bool:
    column = Status.reblog_of_id if model is Status else model.status_id
    found = await session.scalar(
        select(model.id).where(model.account_id == actor_id, column == status_id)
    )
    return found is not None


async def _bump(session: AsyncSession, status_id: int, counter: str, delta: int) -> None:
    column = getattr(Status, counter)
    value = column + delta
    if delta < 0:  # never below zero (SQLite's two-argument max is PostgreSQL's greatest)
        floor = func.greatest if session.get_bind().dialect.name == "postgresql" else func.max
        value = floor(column + delta, 0)
    await session.execute(
        update(Status)
        .where(Status.id == status_id)
        .values({counter: value})
        .execution_options(synchronize_session=False)
    )


async def _count_post(session: AsyncSession, account_id: int, delta: int) -> None:
    """A repost counts among its author's posts (as in Mastodon)."""
    values: dict[str, Any] = {"statuses_count": Account.statuses_count + delta}
    if delta > 0:
        values["last_status_at"] = utcnow()
    await session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )


async def _forget(session: AsyncSession, status: Status, actor_id: int, kind: str) -> None:
    """An undone like or repost takes its notification with it (as in Mastodon)."""
    await session.execute(
        delete(Notification).where(
            Notification.account_id == status.account_id,
            Notification.from_account_id == actor_id,
            Notification.type == kind,
            Notification.status_id == status.id,
        )
    )


async def _default_visibility(session: AsyncSession, actor_id: int) -> str:
    default = await session.scalar(select(User.default_privacy).where(User.account_id == actor_id))
    return default if default in REBLOG_VISIBILITIES else "public"


async def _existing_reblog(session: AsyncSession, actor_id: int, original_id: int) -> int:
    existing = await session.scalar(
        select(Status.id).where(Status.account_id == actor_id, Status.reblog_of_id == original_id)
    )
    if existing is None:  # undone in between; the caller may try again
        raise NotFound()
    return existing
