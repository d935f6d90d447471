"""Reports to this server's moderators."""

from __future__ import annotations

from collections.abc import Sequence

from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.models import Report
from weft.models.base import utcnow

MAX_COMMENT = 1000


async def record_report(
    db: Database,
    reporter_id: int,
    target_id: int,
    status_ids: Sequence[int],
    comment: str,
    *,
    uri: str | None = None,
) -> bool:
    """Store a report (once per ``uri``); False if it was known. There is no moderation
    screen yet: reports wait in the ``reports`` table."""
    values = {
        "id": new_id(),
        "account_id": reporter_id,
        "target_account_id": target_id,
        "status_ids": [str(s) for s in status_ids],
        "comment": comment[:MAX_COMMENT],
        "uri": uri,
        "created_at": utcnow(),
    }
    async with db.write() as session:
        return await insert_ignore(session, Report, values)
