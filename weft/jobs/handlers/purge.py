"""Purging a deleted remote actor's rows and a suspended domain's follows
(the work is in weft/actions/purge.py).

Each run removes at most ``RUNS_PER_JOB`` batches, then queues its own
continuation: a big account never holds a worker (or its lease) for long, and
a crash only repeats the batch that was under way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from weft.actions.purge import purge_account_step, suspend_domain_step
from weft.db.database import Database
from weft.jobs.kinds import PURGE_ACCOUNT, SUSPEND_DOMAIN, JobKind
from weft.jobs.queue import enqueue
from weft.jobs.registry import JobContext, job

RUNS_PER_JOB = 20


async def _batches(
    db: Database, kind: JobKind, payload: dict[str, Any], step: Callable[[], Awaitable[int]]
) -> None:
    for _ in range(RUNS_PER_JOB):
        if not await step():
            return
    async with db.write() as session:
        enqueue(session, kind, payload)


@job(PURGE_ACCOUNT)
async def purge_account(ctx: JobContext, payload: dict[str, Any]) -> None:
    account_id = int(payload["account_id"])
    await _batches(
        ctx.db,
        PURGE_ACCOUNT,
        payload,
        lambda: purge_account_step(ctx.db, ctx.settings, account_id),
    )


@job(SUSPEND_DOMAIN)
async def suspend_domain(ctx: JobContext, payload: dict[str, Any]) -> None:
    domain = str(payload["domain"])
    await _batches(ctx.db, SUSPEND_DOMAIN, payload, lambda: suspend_domain_step(ctx.db, domain))
