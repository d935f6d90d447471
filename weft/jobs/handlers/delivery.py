"""Federation jobs (the work itself is in weft/federation/delivery.py)."""

from __future__ import annotations

from typing import Any

from weft.federation.delivery import DELIVER, deliver, publish_activity
from weft.federation.publish import PUBLISH
from weft.jobs.registry import JobContext, job


# Retries of a delivery are scheduled by delivery.py itself (new jobs, for 8
# days); the queue retries only an unexpected error (a bug, the database away).
@job(PUBLISH, max_attempts=5)
async def publish(ctx: JobContext, payload: dict[str, Any]) -> None:
    await publish_activity(ctx.db, ctx.settings, payload)


@job(DELIVER, max_attempts=5)
async def deliver_one(ctx: JobContext, payload: dict[str, Any]) -> None:
    await deliver(ctx.db, ctx.settings, payload)
