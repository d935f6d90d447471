"""The worker against a real database, on every backend.

Handlers of the test-only kinds below record their runs in module state and,
where a double run must be caught, in a table with a unique index.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.backends import create_postgres_database, drop_postgres_database
from tests.jobs.helpers import count, enqueue_one, load, load_existing, make_due
from weft.config import Settings
from weft.db import migrate
from weft.db.database import Database
from weft.jobs.admin import list_jobs, retry_job
from weft.jobs.kinds import declare
from weft.jobs.queue import enqueue
from weft.jobs.registry import JobContext, job
from weft.jobs.worker import Worker
from weft.models import Account, Job
from weft.models.base import utcnow

runs: list[tuple[str, int]] = []  # (kind, attempt) of every handler call
unique_runs: list[int] = []
events: dict[str, asyncio.Event] = {}
broken = {"on": True}


FLAKY = declare("test.flaky")
BROKEN = declare("test.broken", max_attempts=3)
UNIQUE = declare("test.unique")
SIGNAL = declare("test.signal")
HANG = declare("test.hang")


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    runs.clear()
    unique_runs.clear()
    events.clear()
    broken["on"] = True


@job(FLAKY)
async def flaky(ctx: JobContext, payload: dict[str, Any]) -> None:
    runs.append(("flaky", ctx.attempt))
    if ctx.attempt < 3:
        raise RuntimeError(f"flaky failure {ctx.attempt}")


@job(BROKEN)
async def broken_handler(ctx: JobContext, payload: dict[str, Any]) -> None:
    runs.append(("broken", ctx.attempt))
    if broken["on"]:
        raise ValueError("the remote server said 503")


@job(UNIQUE)
async def unique(ctx: JobContext, payload: dict[str, Any]) -> None:
    unique_runs.append(ctx.job_id)
    # A second run of one job breaks the unique index, so it cannot go unseen.
    async with ctx.db.write() as session:
        session.add(Account(username=f"job{ctx.job_id}"))


@job(SIGNAL)
async def signal(ctx: JobContext, payload: dict[str, Any]) -> None:
    events.setdefault(f"{payload['key']}.started", asyncio.Event()).set()
    await asyncio.sleep(payload.get("sleep", 0))
    runs.append(("signal", ctx.attempt))
    events[payload["key"]].set()


@job(HANG)
async def hang(ctx: JobContext, payload: dict[str, Any]) -> None:
    runs.append(("hang", ctx.attempt))
    events["hang.started"].set()
    await asyncio.Event().wait()


async def test_a_flaky_job_is_retried_with_backoff_until_it_succeeds(
    db: Database, settings: Settings
) -> None:
    job_id = await enqueue_one(db, FLAKY)
    worker = Worker(db, settings)
    for attempt in (1, 2):
        before = utcnow()
        assert await worker.run_until_idle() == 1
        job = await load_existing(db, job_id)
        assert (job.state, job.attempts, job.locked_by, job.locked_until) == (
            "pending",
            attempt,
            None,
            None,
        )
        assert job.last_error is not None
        assert job.last_error.startswith(f"RuntimeError: flaky failure {attempt}\n")
        assert "Traceback" in job.last_error
        # Backoff for attempt n lies in [2**n / 2, 2**n] seconds (see test_backoff).
        delay = (job.run_at - before).total_seconds()
        assert 2**attempt / 2 <= delay <= 2**attempt + 1
        assert await worker.run_until_idle() == 0, "ran before its backoff was over"
        await make_due(db, job_id)
    assert await worker.run_until_idle() == 1
    assert await load(db, job_id) is None
    assert runs == [("flaky", 1), ("flaky", 2), ("flaky", 3)]


async def test_a_job_that_keeps_failing_goes_dead_until_retried(
    db: Database, settings: Settings
) -> None:
    job_id = await enqueue_one(db, BROKEN)
    worker = Worker(db, settings)
    for _ in range(3):
        assert await worker.run_until_idle() == 1
        await make_due(db, job_id)
    job = await load_existing(db, job_id)
    assert (job.state, job.attempts, job.locked_by) == ("dead", 3, None)
    assert job.dead_at is not None
    assert job.last_error is not None
    assert job.last_error.startswith("ValueError: the remote server said 503")
    assert await worker.run_until_idle() == 0, "a dead job ran"
    assert [dead.id for dead in await list_jobs(db, state="dead")] == [job_id]

    broken["on"] = False
    retried = await retry_job(db, job_id)
    assert (retried.state, retried.attempts, retried.last_error) == ("pending", 0, None)
    assert await worker.run_until_idle() == 1
    assert await load(db, job_id) is None
    assert runs == [("broken", 1), ("broken", 2), ("broken", 3), ("broken", 1)]


async def test_a_job_past_its_max_age_dies_at_its_next_failure(
    db: Database, settings: Settings
) -> None:
    job_id = await enqueue_one(
        db, BROKEN, created_at=utcnow() - timedelta(hours=2), max_age_seconds=3600
    )
    assert await Worker(db, settings).run_until_idle() == 1
    job = await load_existing(db, job_id)
    assert (job.state, job.attempts, job.max_attempts) == ("dead", 1, 3)


async def test_a_job_of_an_unknown_kind_dies_with_a_clear_error(
    db: Database, settings: Settings
) -> None:
    job_id = await enqueue_one(db, "test.nobody-handles-this", max_attempts=2)
    worker = Worker(db, settings)
    assert await worker.run_until_idle() == 1
    job = await load_existing(db, job_id)
    assert job.state == "pending"
    await make_due(db, job_id)
    assert await worker.run_until_idle() == 1
    job = await load_existing(db, job_id)
    assert (job.state, job.attempts) == ("dead", 2)
    assert job.last_error is not None
    assert job.last_error.startswith(
        "weft.jobs.worker.UnknownJobKind: no handler is registered for job kind "
        "'test.nobody-handles-this'"
    )


async def test_a_running_job_is_taken_over_only_once_its_lease_expires(
    db: Database, settings: Settings
) -> None:
    job_id = await enqueue_one(
        db,
        FLAKY,
        state="running",
        attempts=1,
        locked_by="gone",
        locked_until=utcnow() + timedelta(minutes=1),
    )
    worker = Worker(db, settings)
    assert await worker.run_until_idle() == 0
    async with db.write() as session:
        (await session.get_one(Job, job_id)).locked_until = utcnow() - timedelta(seconds=1)
    assert await worker.run_until_idle() == 1
    assert runs == [("flaky", 2)]
    job = await load_existing(db, job_id)
    assert (job.state, job.attempts) == ("pending", 2)


async def test_a_job_that_keeps_killing_its_worker_goes_dead(
    db: Database, settings: Settings
) -> None:
    job_id = await enqueue_one(
        db,
        FLAKY,
        state="running",
        attempts=10,
        max_attempts=10,
        locked_by="oom-killed",
        locked_until=utcnow() - timedelta(seconds=1),
    )
    assert await Worker(db, settings).run_until_idle() == 0
    job = await load_existing(db, job_id)
    assert (job.state, job.locked_by) == ("dead", None)
    assert job.last_error == "lease expired: worker oom-killed stopped during attempt 10"
    assert runs == []


async def test_a_handler_running_past_its_lease_is_stopped_and_retried(
    db: Database, settings: Settings
) -> None:
    events["hang.started"] = asyncio.Event()
    job_id = await enqueue_one(db, HANG)
    worker = Worker(db, settings.with_(job_lease_seconds=1))
    assert await worker.run_until_idle() == 1
    job = await load_existing(db, job_id)
    assert (job.state, job.attempts) == ("pending", 1)
    assert job.last_error is not None
    assert job.last_error.startswith("TimeoutError")


async def test_workers_with_their_own_connections_never_run_one_job_twice(
    db: Database, database_url: str, settings: Settings
) -> None:
    async with db.write() as session:
        queued = [enqueue(session, UNIQUE) for _ in range(200)]
    ids = sorted(job.id for job in queued)
    # One Database each: separate pools, as separate processes would have.
    databases = [Database(database_url) for _ in range(3)]
    try:
        workers = [Worker(d, settings, name=f"w{n}") for n, d in enumerate(databases)]
        ran = await asyncio.gather(*(w.run_until_idle(max_seconds=15) for w in workers))
    finally:
        for database in databases:
            await database.dispose()
    assert sorted(unique_runs) == ids
    assert sum(ran) == 200
    assert await count(db, Job) == 0
    async with db.read() as session:
        names = set(await session.scalars(select(Account.username)))
    assert names == {f"job{job_id}" for job_id in ids}


@pytest.fixture
async def running_worker(db: Database, settings: Settings) -> AsyncIterator[Worker]:
    """A worker in ``run()`` that would poll only every 30 seconds."""
    worker = Worker(db, settings.with_(job_poll_seconds=30))
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.2)  # let it find the queue empty and go to sleep
    try:
        yield worker
    finally:
        worker.stop()
        await asyncio.wait_for(task, 10)


async def test_queueing_a_job_wakes_a_sleeping_worker(db: Database, running_worker: Worker) -> None:
    events["wake"] = asyncio.Event()
    async with db.write() as session:
        enqueue(session, SIGNAL, {"key": "wake"})
    await asyncio.wait_for(events["wake"].wait(), 2)


async def test_a_job_queued_by_another_process_wakes_a_sleeping_worker(
    db: Database, running_worker: Worker
) -> None:
    """PostgreSQL's NOTIFY (weft/jobs/wakeup.py): a bare row, as another
    process's commit writes it, with no in-process wake-up to help."""
    if db.is_sqlite:
        pytest.skip("SQLite has no channel between processes: its workers poll")
    events["notified"] = asyncio.Event()
    await enqueue_one(db, SIGNAL.name, {"key": "notified"})
    await asyncio.wait_for(events["notified"].wait(), 10)


async def test_stopping_waits_for_running_jobs_to_finish(db: Database, settings: Settings) -> None:
    events["slow"] = asyncio.Event()
    events["slow.started"] = asyncio.Event()
    job_id = await enqueue_one(db, SIGNAL, {"key": "slow", "sleep": 0.3})
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(db, settings).run(stop))
    await asyncio.wait_for(events["slow.started"].wait(), 5)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert events["slow"].is_set()
    assert await load(db, job_id) is None


async def test_a_job_still_running_at_shutdown_is_handed_back(
    db: Database, settings: Settings
) -> None:
    events["hang.started"] = asyncio.Event()
    job_id = await enqueue_one(db, HANG)
    worker = Worker(db, settings)
    worker.shutdown_seconds = 0.1
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(events["hang.started"].wait(), 5)
    worker.stop()
    await asyncio.wait_for(task, 5)
    job = await load_existing(db, job_id)
    # Due again at once, and the interrupted run does not count against it.
    assert (job.state, job.attempts, job.locked_by, job.locked_until) == ("pending", 0, None, None)
    assert job.run_at <= utcnow()


@pytest.fixture
async def unmigrated_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on the same backend, with no tables yet."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'later.sqlite3'}"
        return
    url = await asyncio.to_thread(create_postgres_database)
    try:
        yield url
    finally:
        await asyncio.to_thread(drop_postgres_database, url)


async def test_the_worker_survives_database_errors(
    unmigrated_url: str, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(unmigrated_url)
    worker = Worker(db, settings)
    worker.error_pause_seconds = 0.05
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0.3)  # claiming fails: there is no jobs table yet
        assert task.done() is False
        assert "could not claim jobs" in caplog.text
        await asyncio.to_thread(migrate.upgrade, unmigrated_url)
        events["recovered"] = asyncio.Event()
        async with db.write() as session:
            enqueue(session, SIGNAL, {"key": "recovered"})
        await asyncio.wait_for(events["recovered"].wait(), 5)
    finally:
        worker.stop()
        await asyncio.wait_for(task, 10)
        await db.dispose()
