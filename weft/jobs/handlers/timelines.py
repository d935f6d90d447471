"""Home-timeline jobs (the work itself is in weft/timelines/jobs.py)."""

from __future__ import annotations

from typing import Any

from weft.jobs.kinds import FAN_OUT, MERGE, REMOVE, UNMERGE
from weft.jobs.registry import JobContext, job
from weft.timelines import jobs


@job(FAN_OUT)
async def fan_out(ctx: JobContext, payload: dict[str, Any]) -> None:
    await jobs.fan_out(ctx.db, ctx.settings, payload)


@job(MERGE)
async def merge(ctx: JobContext, payload: dict[str, Any]) -> None:
    await jobs.merge(ctx.db, ctx.settings, payload)


@job(UNMERGE)
async def unmerge(ctx: JobContext, payload: dict[str, Any]) -> None:
    await jobs.unmerge(ctx.db, ctx.settings, payload)


@job(REMOVE)
async def remove(ctx: JobContext, payload: dict[str, Any]) -> None:
    await jobs.remove(ctx.db, ctx.settings, payload)
