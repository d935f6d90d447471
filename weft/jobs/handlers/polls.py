"""Poll jobs (the work itself is in weft/actions/polls.py)."""

from __future__ import annotations

from typing import Any

from weft.actions.polls import end_poll, send_results
from weft.jobs.kinds import POLL_ENDED, POLL_RESULTS
from weft.jobs.registry import JobContext, job


@job(POLL_ENDED)
async def poll_ended(ctx: JobContext, payload: dict[str, Any]) -> None:
    await end_poll(ctx.db, int(payload["poll_id"]))


@job(POLL_RESULTS)
async def poll_results(ctx: JobContext, payload: dict[str, Any]) -> None:
    await send_results(ctx.db, int(payload["poll_id"]))
