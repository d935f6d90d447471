"""Accepting an activity another server delivered to one of our inboxes.

The inbox has checked the signature; this records the activity's id and
queues its processing (``federation.inbound``) in one transaction, so an
activity is processed once however often it is delivered, and never lost
once the sender got its 202.
"""

from __future__ import annotations

from typing import Any

from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.jobs.kinds import PROCESS_INBOUND
from weft.jobs.queue import enqueue
from weft.models import InboundActivity
from weft.models.base import utcnow


async def receive_activity(db: Database, activity: dict[str, Any], signer_id: int) -> bool:
    """Queue ``activity`` (signed by the account ``signer_id``); False if its id was seen."""
    kind = activity.get("type")
    values = {
        "id": new_id(),
        "uri": str(activity["id"]),
        "type": (kind if isinstance(kind, str) else "?")[:64],
        "actor_uri": str(activity["actor"]),
        "received_at": utcnow(),
    }
    async with db.write() as session:
        if not await insert_ignore(session, InboundActivity, values):
            return False
        enqueue(session, PROCESS_INBOUND, {"activity": activity, "signer_id": signer_id})
        return True
