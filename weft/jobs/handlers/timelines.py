"""Home-timeline jobs (the work itself is in weft/timelines/jobs.py)."""

from __future__ import annotations

from typing import Any

from weft.jobs.registry import JobContext, job
from weft.timelines import jobs


@job("timelines.fan_out")
async def fan_out(ctx: JobContext, payload: dict[str, Any]) -> None:
    await jobs.fan_out(ctx.db, ctx.settings, payload)


@job("timelines.merge")
async def merge(ctx: JobContext, payload: dict[str, Any]) -> None:
    await jobs.merge(ctx.db, ctx.settings, payload)


@job("timelines.unmerge")
async def unmerge(ctx: JobContext, payload: dict[str, Any]) -> None:
    await jobs.unmerge(ctx.db, ctx.settings, payload)


@job("timelines.remove")
async def remove(ctx: JobContext, payload: dict[str, Any]) -> None:
    await jobs.remove(ctx.db, ctx.settings, payload)
