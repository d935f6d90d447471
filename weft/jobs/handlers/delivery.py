"""Federation jobs (the work itself is in weft/federation/delivery.py)."""

from __future__ import annotations

from typing import Any

from weft.federation.delivery import deliver, publish_activity
from weft.jobs.kinds import DELIVER, PUBLISH
from weft.jobs.registry import JobContext, job


@job(PUBLISH)
async def publish(ctx: JobContext, payload: dict[str, Any]) -> None:
    await publish_activity(ctx.db, ctx.settings, payload)


@job(DELIVER)
async def deliver_one(ctx: JobContext, payload: dict[str, Any]) -> None:
    await deliver(ctx.db, ctx.settings, payload)
