"""Federation jobs (the work itself is in weft/federation/delivery.py)."""

from __future__ import annotations

from typing import Any

from weft.federation import moderation
from weft.federation.delivery import deliver, publish_activity
from weft.jobs.kinds import DELIVER, PUBLISH, SEND_FLAG, TELL_SUSPENSION
from weft.jobs.registry import JobContext, job


@job(PUBLISH)
async def publish(ctx: JobContext, payload: dict[str, Any]) -> None:
    await publish_activity(ctx.db, ctx.settings, payload)


@job(DELIVER)
async def deliver_one(ctx: JobContext, payload: dict[str, Any]) -> None:
    await deliver(ctx.db, ctx.settings, payload)


@job(SEND_FLAG)
async def send_flag(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A forwarded report; a server that is down fails the job, which is retried."""
    await moderation.send_flag(ctx.db, ctx.settings, int(payload["report_id"]))


@job(TELL_SUSPENSION)
async def tell_suspension(ctx: JobContext, payload: dict[str, Any]) -> None:
    await moderation.tell_suspension(ctx.db, ctx.settings, int(payload["account_id"]))
