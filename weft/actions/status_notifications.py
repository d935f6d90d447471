"""The "status" notification: a new post by someone whose posts you asked to be
notified about (``notify`` on the follow, the bell on a profile)."""

from __future__ import annotations

from sqlalchemy import select

from weft.actions.notifications import notify
from weft.db.database import Database
from weft.models import Follow, Status
from weft.policies.statuses import can_view
from weft.queries.relations import access_for


async def notify_subscribers(db: Database, status_id: int) -> int:
    """Notify the author's followers who turned notifications on; returns how many.

    As in Mastodon: posts people can see, but not replies to someone else (a
    reply to oneself, a thread, still notifies), and not direct messages.
    """
    async with db.write() as session:
        status = await session.get(Status, status_id)
        if status is None or status.visibility == "direct" or status.reblog_of_id:
            return 0
        if status.in_reply_to_account_id not in (None, status.account_id):
            return 0
        subscribers = list(
            await session.scalars(
                select(Follow.account_id).where(
                    Follow.target_account_id == status.account_id, Follow.notify.is_(True)
                )
            )
        )
        made = 0
        for subscriber in subscribers:
            access = (await access_for(session, subscriber, [status]))[status.id]
            if can_view(access) and await notify(
                session,
                recipient_id=subscriber,
                from_account_id=status.account_id,
                type="status",
                status_id=status.id,
            ):
                made += 1
        return made
