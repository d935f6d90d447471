"""Where someone stopped reading (Mastodon's markers API).

Each save bumps the marker's ``version``, which clients use to tell whether
another device moved it; two saves at once both count.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import update

from weft.db.database import Database
from weft.db.upsert import insert_ignore
from weft.errors import Invalid
from weft.models import Marker
from weft.models.base import utcnow

TIMELINES = ("home", "notifications")


async def save_markers(db: Database, account_id: int, last_read: Mapping[str, int]) -> None:
    """Set ``last_read_id`` of each timeline given (``home``, ``notifications``)."""
    for timeline in last_read:
        if timeline not in TIMELINES:
            raise Invalid(timeline, "is not a timeline with markers")
    async with db.write() as session:
        for timeline, last_read_id in last_read.items():
            now = utcnow()
            moved = await session.execute(
                update(Marker)
                .where(Marker.account_id == account_id, Marker.timeline == timeline)
                .values(last_read_id=last_read_id, version=Marker.version + 1, updated_at=now)
            )
            if moved.rowcount:  # type: ignore[attr-defined]
                continue
            values = {
                "account_id": account_id,
                "timeline": timeline,
                "last_read_id": last_read_id,
                "version": 0,
                "updated_at": now,
            }
            if not await insert_ignore(session, Marker, values):  # made meanwhile: move it
                await session.execute(
                    update(Marker)
                    .where(Marker.account_id == account_id, Marker.timeline == timeline)
                    .values(last_read_id=last_read_id, version=Marker.version + 1, updated_at=now)
                )
