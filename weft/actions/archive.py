"""Archiving one's posts: kept, with their likes and replies, seen by their
author alone until unarchived (``Status.archived_at``; the policies withhold
an archived post on every path, weft/policies/statuses.py).

Other servers are told as they would be of a deletion, and of the post anew
when it comes back (docs/decisions/0032-archive-federation.md): a ``Delete``
when it is archived (they have no "only its author sees it"), a ``Create``
when it is unarchived. Meanwhile we serve it to nobody.
"""

from __future__ import annotations

from weft.actions.outbox import publish
from weft.actions.posts.bookkeeping import counts_as_reply, own_status, recount_reply
from weft.activity_kinds import ActivityKind
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid
from weft.models import Status
from weft.models.base import utcnow


async def archive_status(db: Database, account_id: int, status_id: int) -> Status:
    """Archive one's post; archiving an archived post changes nothing."""
    async with db.write() as session:
        status = await own_status(session, account_id, status_id, lock=True)
        if status.reblog_of_id is not None:
            raise Invalid("id", "is a repost: undo it instead of archiving it")
        if status.archived_at is None:
            await publish(session, ActivityKind.DELETE, account_id, status_id=status.id)
            counted = counts_as_reply(status)
            status.archived_at = utcnow()
            await recount_reply(session, status, counted)  # no longer in its parent's count
        return status


async def unarchive_status(db: Database, account_id: int, status_id: int) -> Status:
    """Bring one's archived post back to those its visibility names."""
    async with db.write() as session:
        status = await own_status(session, account_id, status_id, lock=True)
        if status.archived_at is not None:
            counted = counts_as_reply(status)
            status.archived_at = None
            await recount_reply(session, status, counted)
            await session.flush()
            # A Create of its own id: other servers took the first one already.
            await publish(
                session, ActivityKind.CREATE, account_id, status_id=status.id, again=new_id()
            )
        return status
