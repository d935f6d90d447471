"""Notification jobs (the work itself is in weft/actions/)."""

from __future__ import annotations

from typing import Any

from weft.actions.status_notifications import notify_subscribers
from weft.jobs.kinds import NOTIFY_SUBSCRIBERS
from weft.jobs.registry import JobContext, job


@job(NOTIFY_SUBSCRIBERS)
async def new_status(ctx: JobContext, payload: dict[str, Any]) -> None:
    await notify_subscribers(ctx.db, int(payload["status_id"]))
