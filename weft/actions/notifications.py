"""Recording notifications: called by other actions inside their transaction."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.notification_policy import note_filtered, sort_notification
from weft.actions.push import queue_pushes
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import NotFound
from weft.events import NOTIFICATION, emit, keys
from weft.models import Block, Mute, Notification, Restrict
from weft.models.base import utcnow
from weft.models.feeds import GROUPED_NOTIFICATION_TYPES, NOTIFICATION_TYPES

# What a restricted person's doing no longer notifies.
RESTRICTED_TYPES = frozenset({"mention", "quote", "update", "quoted_update"})


async def notify(
    session: AsyncSession,
    *,
    recipient_id: int,
    from_account_id: int,
    type: str,
    status_id: int | None = None,
) -> bool:
    """Notify ``recipient_id`` once of this event; True if a notification was made.

    Nobody is notified of their own doing, or by someone they block, are
    blocked by, or mute with notifications hidden, nor of what someone they
    restrict writes. Their notification policy may keep it aside (``filtered``,
    not streamed nor pushed) or drop it (weft/actions/notification_policy.py).
    The same event twice (a retried job) makes one notification.
    """
    if type not in NOTIFICATION_TYPES:
        raise ValueError(f"unknown notification type {type!r}")
    # A poll's end is the one event its own author hears of (as Mastodon).
    if recipient_id == from_account_id and type != "poll":
        return False
    if await _silenced(session, recipient_id, from_account_id, type):
        return False
    verdict = await sort_notification(session, recipient_id, from_account_id, type, status_id)
    if verdict == "drop":
        return False
    dedupe = f"{type}:{from_account_id}:{status_id or ''}"
    if type == "update":
        dedupe += f":{new_id()}"  # each edit notifies
    if type in GROUPED_NOTIFICATION_TYPES and status_id is not None:
        group_key = f"{type}-{status_id}"
    elif type == "follow":
        group_key = f"follow-{recipient_id}"
    else:
        group_key = f"ungrouped-{new_id()}"
    notification_id = new_id()
    values = {
        "id": notification_id,
        "account_id": recipient_id,
        "from_account_id": from_account_id,
        "type": type,
        "status_id": status_id,
        "group_key": group_key,
        "dedupe_key": dedupe,
        "filtered": verdict == "filter",
        "created_at": utcnow(),
    }
    made = await insert_ignore(session, Notification, values)
    if made and verdict == "filter":  # kept aside: neither streamed nor pushed
        await note_filtered(session, recipient_id, from_account_id)
    elif made:
        stream = keys.notifications(recipient_id)
        emit(session, NOTIFICATION, [stream], notification_id=notification_id)
        await queue_pushes(session, recipient_id, notification_id, type)
    return made


async def _silenced(session: AsyncSession, recipient_id: int, from_id: int, type: str) -> bool:
    """Blocked either way, muted with notifications, or restricted (for what
    they write: replies, mentions, quotes, edits; weft/actions/graph.py)."""
    blocked = await session.scalar(
        select(Block.id).where(
            ((Block.account_id == recipient_id) & (Block.target_account_id == from_id))
            | ((Block.account_id == from_id) & (Block.target_account_id == recipient_id))
        )
    )
    if blocked:
        return True
    now = utcnow()
    muted = await session.scalar(
        select(Mute.id).where(
            Mute.account_id == recipient_id,
            Mute.target_account_id == from_id,
            Mute.hide_notifications.is_(True),
            (Mute.expires_at.is_(None)) | (Mute.expires_at > now),
        )
    )
    if muted is not None:
        return True
    if type not in RESTRICTED_TYPES:
        return False
    restricted = await session.scalar(
        select(Restrict.id).where(
            Restrict.account_id == recipient_id, Restrict.target_account_id == from_id
        )
    )
    return restricted is not None


async def dismiss_notification(db: Database, account_id: int, notification_id: int) -> None:
    """Delete one of one's notifications; 404 if it is not one of them."""
    async with db.write() as session:
        removed = await session.execute(
            delete(Notification).where(
                Notification.id == notification_id, Notification.account_id == account_id
            )
        )
        if not removed.rowcount:  # type: ignore[attr-defined]
            raise NotFound()


async def dismiss_group(db: Database, account_id: int, group_key: str) -> None:
    """Delete every notification of one group (``/api/v2/notifications/:key/dismiss``)."""
    async with db.write() as session:
        condition = Notification.group_key == group_key
        if group_key.startswith("ungrouped-") and group_key[10:].isdigit():
            condition = condition | (Notification.id == int(group_key[10:]))
        await session.execute(
            delete(Notification).where(Notification.account_id == account_id, condition)
        )


async def clear_notifications(db: Database, account_id: int) -> None:
    async with db.write() as session:
        await session.execute(delete(Notification).where(Notification.account_id == account_id))
