"""Small steps the job tests share: queue a job, read it back, make it due."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from weft.db.database import Database
from weft.jobs.kinds import JobKind
from weft.jobs.queue import enqueue
from weft.models import Account, Job
from weft.models.base import utcnow


async def enqueue_one(
    db: Database, kind: JobKind | str, payload: dict[str, Any] | None = None, **columns: Any
) -> int:
    """Queue one job, overriding any of its columns; returns its id. A kind
    given by name only is written as a bare row, as a job of a kind this code
    does not declare (left by another version) would be."""
    async with db.write() as session:
        if isinstance(kind, JobKind):
            job = enqueue(session, kind, payload)
        else:
            job = Job(kind=kind, payload=payload or {})
            session.add(job)
        for name, value in columns.items():
            setattr(job, name, value)
    return job.id


async def load(db: Database, job_id: int) -> Job | None:
    async with db.read() as session:
        return await session.get(Job, job_id)


async def load_existing(db: Database, job_id: int) -> Job:
    job = await load(db, job_id)
    assert job is not None, f"job {job_id} is gone"
    return job


async def make_due(db: Database, job_id: int) -> None:
    """Skip the backoff wait instead of sleeping through it."""
    async with db.write() as session:
        await session.execute(update(Job).where(Job.id == job_id).values(run_at=utcnow()))


async def count(db: Database, model: type[Job] | type[Account]) -> int:
    async with db.read() as session:
        return (await session.scalar(select(func.count()).select_from(model))) or 0
