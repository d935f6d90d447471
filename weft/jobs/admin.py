"""Looking at the queue and bringing dead jobs back (``weft jobs list|retry``)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult

from weft.db.database import Database, after_commit
from weft.errors import Invalid, NotFound
from weft.jobs.queue import wake_workers
from weft.models.base import utcnow
from weft.models.jobs import DEAD, PENDING, RUNNING, Job

STATES = (PENDING, RUNNING, DEAD)


async def list_jobs(db: Database, state: str | None = None, limit: int = 100) -> list[Job]:
    """The newest ``limit`` jobs, of one ``state`` or all."""
    if state is not None and state not in STATES:
        raise Invalid("state", f"must be one of {', '.join(STATES)}")
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if state is not None:
        query = query.where(Job.state == state)
    async with db.read() as session:
        return list(await session.scalars(query))


async def retry_job(db: Database, job_id: int) -> Job:
    """Make a dead job due now, starting over: all its attempts, and its
    maximum age counted from now (a job that died of old age gets a full
    new life, which is what an admin who retries it means)."""
    async with db.write() as session:
        after_commit(session, wake_workers)
        job = await session.get(Job, job_id, with_for_update=True)
        if job is None:
            raise NotFound(f"Job {job_id} not found")
        if job.state != DEAD:
            raise Invalid("state", f"is {job.state}; only dead jobs can be retried")
        job.state = PENDING
        job.attempts = 0
        job.run_at = job.created_at = utcnow()
        job.dead_at = None
        job.last_error = None
    return job


async def retry_all_dead(db: Database) -> int:
    """Retry every dead job (see :func:`retry_job`); returns how many."""
    revive = (
        update(Job)
        .where(Job.state == DEAD)
        .values(
            state=PENDING,
            attempts=0,
            run_at=utcnow(),
            created_at=utcnow(),
            dead_at=None,
            last_error=None,
        )
    )
    async with db.write() as session:
        after_commit(session, wake_workers)
        result = cast("CursorResult[Any]", await session.execute(revive))
    return result.rowcount


async def queue_stats(db: Database) -> dict[str, int]:
    """How many jobs are in each state (every state present, zero or not)."""
    async with db.read() as session:
        rows = await session.execute(select(Job.state, func.count()).group_by(Job.state))
        counts = {state: 0 for state in STATES}
        counts.update({state: count for state, count in rows})
    return counts
