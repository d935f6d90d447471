"""Crash recovery with real processes killed by SIGKILL (see crash_worker.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.jobs.crash_worker import BLOCKING, ENQUEUED, WORKER_NAME
from tests.jobs.helpers import count, enqueue_one, load_existing
from weft.config import Settings
from weft.db.database import Database
from weft.jobs.registry import JobContext, job
from weft.jobs.worker import Worker
from weft.models import Job
from weft.models.base import utcnow

ROOT = Path(__file__).resolve().parents[2]
CHILD_LEASE_SECONDS = 2
ran: list[tuple[str, int, int]] = []  # (kind, job id, attempt)


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    ran.clear()


# The child registers its own (hanging) handlers for these kinds; these are
# the ones that run here, in the process that recovers the jobs.
@job(ENQUEUED)
async def enqueued(ctx: JobContext, payload: dict[str, Any]) -> None:
    ran.append(("enqueued", ctx.job_id, ctx.attempt))


@job(BLOCKING)
async def blocking(ctx: JobContext, payload: dict[str, Any]) -> None:
    ran.append(("blocking", ctx.job_id, ctx.attempt))


@contextmanager
def child(database_url: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    """``crash_worker.py`` running on our database; killed on the way out, always."""
    env = {**os.environ, "WEFT_TEST_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.crash_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        kill(process)


def kill(process: subprocess.Popen[str]) -> str:
    """SIGKILL: no finally blocks, no atexit, no goodbye to the database."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=10)
    return stderr


async def read_line(process: subprocess.Popen[str], expected: str) -> str:
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 30)
    except TimeoutError:
        line = ""
    if not line.startswith(expected):
        pytest.fail(f"child printed {line!r}, not {expected!r}; stderr:\n{kill(process)}")
    return line


async def test_a_committed_job_survives_the_kill_of_the_process_that_queued_it(
    db: Database, database_url: str, settings: Settings
) -> None:
    with child(database_url, "enqueue") as process:
        line = await read_line(process, "committed")
        kill(process)
    job_id = int(line.split()[1])
    assert await Worker(db, settings).run_until_idle() == 1
    assert ran == [("enqueued", job_id, 1)]
    assert await count(db, Job) == 0


async def test_a_job_whose_worker_was_killed_runs_again_once_its_lease_expires(
    db: Database, database_url: str, settings: Settings
) -> None:
    job_id = await enqueue_one(db, BLOCKING)
    with child(database_url, "work", str(CHILD_LEASE_SECONDS)) as process:
        await read_line(process, f"running {job_id}")
        kill(process)
    job = await load_existing(db, job_id)
    assert (job.state, job.locked_by, job.attempts) == ("running", WORKER_NAME, 1)
    assert job.locked_until is not None
    # The lease the dead worker took must run out before anyone takes over.
    await asyncio.sleep((job.locked_until - utcnow()).total_seconds() + 0.05)
    worker = Worker(db, settings.with_(job_lease_seconds=1))
    assert await worker.run_until_idle() == 1
    assert ran == [("blocking", job_id, 2)]
    assert await count(db, Job) == 0
