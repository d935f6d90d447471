from __future__ import annotations

from datetime import timedelta

import pytest

from tests.jobs.helpers import enqueue_one, load_existing
from weft.db.database import Database
from weft.errors import Invalid, NotFound
from weft.jobs.admin import list_jobs, queue_stats, retry_all_dead, retry_job
from weft.models.base import utcnow


async def enqueue_dead(db: Database, kind: str = "test.admin") -> int:
    return await enqueue_one(
        db, kind, state="dead", attempts=10, dead_at=utcnow(), last_error="boom", run_at=utcnow()
    )


async def test_list_jobs_shows_the_newest_first_and_filters_by_state(db: Database) -> None:
    first = await enqueue_one(db, "test.admin")
    dead = await enqueue_dead(db)
    last = await enqueue_one(db, "test.admin")
    assert [job.id for job in await list_jobs(db)] == [last, dead, first]
    assert [job.id for job in await list_jobs(db, limit=2)] == [last, dead]
    assert [job.id for job in await list_jobs(db, state="dead")] == [dead]
    assert [job.id for job in await list_jobs(db, state="pending")] == [last, first]
    assert await list_jobs(db, state="running") == []


async def test_list_jobs_rejects_a_state_that_does_not_exist(db: Database) -> None:
    with pytest.raises(Invalid) as raised:
        await list_jobs(db, state="finished")
    assert raised.value.field == "state"
    assert raised.value.message == "Validation failed: state must be one of pending, running, dead"


async def test_retry_job_makes_a_dead_job_due_with_fresh_attempts(db: Database) -> None:
    job_id = await enqueue_dead(db)
    before = utcnow()
    returned = await retry_job(db, job_id)
    stored = await load_existing(db, job_id)
    for job in (returned, stored):
        assert (job.state, job.attempts, job.dead_at, job.last_error) == ("pending", 0, None, None)
        assert before <= job.run_at <= utcnow()


async def test_retry_job_refuses_a_missing_job(db: Database) -> None:
    with pytest.raises(NotFound, match="Job 12345 not found"):
        await retry_job(db, 12345)


@pytest.mark.parametrize("state", ["pending", "running"])
async def test_retry_job_refuses_a_job_that_is_not_dead(db: Database, state: str) -> None:
    job_id = await enqueue_one(db, "test.admin", state=state, attempts=1)
    with pytest.raises(Invalid) as raised:
        await retry_job(db, job_id)
    assert raised.value.field == "state"
    assert raised.value.description == f"is {state}; only dead jobs can be retried"
    job = await load_existing(db, job_id)
    assert (job.state, job.attempts) == (state, 1)


async def test_retry_all_dead_retries_only_dead_jobs(db: Database) -> None:
    dead = [await enqueue_dead(db) for _ in range(3)]
    later = utcnow() + timedelta(hours=1)
    waiting = await enqueue_one(db, "test.admin", attempts=2, run_at=later)
    assert await queue_stats(db) == {"pending": 1, "running": 0, "dead": 3}
    assert await retry_all_dead(db) == 3
    assert await retry_all_dead(db) == 0
    for job_id in dead:
        job = await load_existing(db, job_id)
        assert (job.state, job.attempts, job.dead_at, job.last_error) == ("pending", 0, None, None)
    job = await load_existing(db, waiting)
    assert (job.attempts, job.run_at) == (2, later)
    assert await queue_stats(db) == {"pending": 4, "running": 0, "dead": 0}


async def test_queue_stats_counts_every_state(db: Database) -> None:
    assert await queue_stats(db) == {"pending": 0, "running": 0, "dead": 0}
    await enqueue_one(db, "test.admin", state="running", locked_by="w", locked_until=utcnow())
    await enqueue_dead(db)
    await enqueue_dead(db)
    assert await queue_stats(db) == {"pending": 0, "running": 1, "dead": 2}
