"""Deleting a post: by its local author, or by another server's ``Delete``
(``remote.delete_remote_status`` calls :func:`delete_status` as its author)."""

from __future__ import annotations

from weft.actions.outbox import publish
from weft.actions.posts.bookkeeping import forget_post, own_status
from weft.activity_kinds import ActivityKind
from weft.db.database import Database
from weft.models import Status


async def delete_status(db: Database, account_id: int, status_id: int) -> Status:
    """Delete one's own post; its reposts go with it (the foreign key cascades).

    Returns the deleted row (detached), whose ``text`` the API gives back so a
    client can "delete and redraft".
    """
    async with db.write() as session:
        status = await own_status(session, account_id, status_id)
        # Before the rows go: the hook reads whom the post reached.
        await publish(session, ActivityKind.DELETE, account_id, status_id=status.id)
        await forget_post(session, status)
        await session.delete(status)
        return status
