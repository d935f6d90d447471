"""The worker: claims due jobs, runs their handlers, records the outcome.

A claim is a lease: the row is marked ``running`` with ``locked_by`` and
``locked_until`` in one short transaction. A worker that dies (kill -9, power
loss) leaves its rows running with a lease that expires, and any worker then
claims them again; that is why delivery is at least once and handlers must be
idempotent. Outcomes are recorded only while this worker still holds the lease
(``locked_by`` and ``attempts`` both match), so a worker that lost its lease
never overwrites the result of the one that took over.

Handlers get ``job_lease_seconds`` to finish; one that runs longer is cancelled
and retried, so a hung handler cannot hold a slot, nor its job, forever.

See docs/decisions/0002-job-queue.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import socket
import traceback
from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Delete, Update, and_, delete, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from weft.config import Settings
from weft.db.database import Database
from weft.jobs import handlers as _handlers  # noqa: F401 (registers every handler)
from weft.jobs.queue import add_wake_listener, remove_wake_listener
from weft.jobs.registry import HANDLERS, JobContext, check_handlers
from weft.jobs.wakeup import listen_for_jobs
from weft.models.base import utcnow
from weft.models.jobs import DEAD, PENDING, RUNNING, Job

log = logging.getLogger("weft.jobs")

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 6 * 3600.0
ERROR_TEXT_LIMIT = 4000
# Pause after the database failed (a PostgreSQL restart, a full disk).
ERROR_PAUSE_SECONDS = 5.0
# How long stopping waits for running jobs before cancelling them.
SHUTDOWN_SECONDS = 25.0
RELEASE_SECONDS = 5.0


class Uniform(Protocol):
    """What backoff_seconds needs of a random source (the ``random`` module fits)."""

    def uniform(self, a: float, b: float, /) -> float: ...


def backoff_seconds(attempts: int, *, rng: Uniform = random) -> float:
    """Delay before the next try after ``attempts`` failed ones.

    Exponential (2 s, 4 s, 8 s, ... capped at 6 hours) with "equal jitter": a
    random point in the upper half of the step. Jitter spreads the retries of
    jobs that failed together (a peer that went down); keeping the lower half
    out means that, below the cap, a delay is never shorter than the one before.

    >>> 1.0 <= backoff_seconds(1) <= 2.0
    True
    """
    # Clamp the exponent: 2.0 * 2**2000 does not fit in a float.
    step = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** min(max(attempts, 1) - 1, 32))
    return step / 2 + rng.uniform(0, step / 2)


class UnknownJobKind(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(
            f"no handler is registered for job kind {kind!r} "
            "(is its module imported by weft.jobs.handlers?)"
        )


def describe_error(error: BaseException, limit: int = ERROR_TEXT_LIMIT) -> str:
    """``module.Type: message``, then as much of the traceback's tail as fits."""
    cls = type(error)
    name = cls.__qualname__
    if cls.__module__ != "builtins":
        name = f"{cls.__module__}.{name}"
    head = f"{name}: {error}"[: limit // 4]
    trace = "".join(traceback.format_exception(error)).rstrip()
    room = limit - len(head) - 2
    if len(trace) > room:
        # The frames nearest the raise say the most; the outer ones are the worker's.
        trace = "..." + trace[-(room - 3) :]
    return f"{head}\n\n{trace}"


async def _execute(session: AsyncSession, statement: Delete | Update) -> CursorResult[Any]:
    # DML results carry a row count; the generic Result type does not say so.
    return cast("CursorResult[Any]", await session.execute(statement))


def _default_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Job.state == PENDING, Job.run_at <= now),
        # An expired lease: the worker that held it died or hung.
        and_(Job.state == RUNNING, Job.locked_until < now),
    )


def _exhausted(job: Job, now: datetime) -> bool:
    too_old = job.created_at + timedelta(seconds=job.max_age_seconds) <= now
    return job.attempts >= job.max_attempts or too_old


class Worker:
    """Runs jobs from the queue, up to ``concurrency`` at a time.

    ``await worker.run()`` until ``worker.stop()`` (or the ``stop`` event);
    ``await worker.run_until_idle()`` for tests and ``weft worker --once``.
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        name: str | None = None,
        concurrency: int = 4,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.db = db
        self.settings = settings
        self.name = name or _default_name()
        self.concurrency = concurrency
        self.error_pause_seconds = ERROR_PAUSE_SECONDS
        self.shutdown_seconds = SHUTDOWN_SECONDS
        self._tasks: set[asyncio.Task[None]] = set()
        self._ran = 0
        self._stopping = asyncio.Event()
        # Set by a wake-up, a finished job, or stop(): "look at the queue again".
        self._signal = asyncio.Event()
        check_handlers()

    def stop(self) -> None:
        """Ask ``run`` to return once the jobs it is running have finished.

        Call it from the worker's event loop. A stopped worker stays stopped.
        """
        self._stopping.set()
        self._signal.set()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Run jobs until ``stop`` is set or :meth:`stop` is called.

        Polls every ``job_poll_seconds``, and at once when a job is queued in
        this process or (PostgreSQL) any other (weft/jobs/wakeup.py). Database
        errors are logged and retried, never fatal.
        """
        loop = asyncio.get_running_loop()

        def wake() -> None:
            # enqueue() may commit on another thread or event loop.
            with suppress(RuntimeError):  # our loop has closed: nothing to wake
                loop.call_soon_threadsafe(self._signal.set)

        watcher = None
        if stop is not None:
            watcher = asyncio.create_task(self._watch(stop))
            if stop.is_set():
                self.stop()
        add_wake_listener(wake)
        others = asyncio.create_task(listen_for_jobs(self.db, wake), name="weft-job-wakeups")
        log.info("worker %s started (concurrency %d)", self.name, self.concurrency)
        try:
            await self._loop()
        finally:
            remove_wake_listener(wake)
            others.cancel()
            with suppress(asyncio.CancelledError):
                await others
            if watcher is not None:
                watcher.cancel()
            await self._drain()
            log.info("worker %s stopped", self.name)

    async def run_until_idle(self, max_seconds: float = 10) -> int:
        """Claim and run jobs until none is due, or ``max_seconds`` have passed
        (then the running ones are left to finish, as :meth:`stop` does).

        Returns how many jobs ran, failed runs included.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_seconds
        ran_before = self._ran
        try:
            while loop.time() < deadline:
                free = self.concurrency - len(self._tasks)
                claimed = await self._claim(free) if free else []
                self._start(claimed)
                if not self._tasks:
                    break
                # A finishing job frees a slot, and may have queued another job.
                await asyncio.wait(
                    set(self._tasks),
                    timeout=deadline - loop.time(),
                    return_when=asyncio.FIRST_COMPLETED,
                )
        finally:
            await self._drain()
        return self._ran - ran_before

    async def _loop(self) -> None:
        poll = self.settings.job_poll_seconds
        while not self._stopping.is_set():
            # Cleared before claiming, so a wake-up during the claim is not lost.
            self._signal.clear()
            free = self.concurrency - len(self._tasks)
            if free:
                try:
                    claimed = await self._claim(free)
                except Exception:
                    log.exception("worker %s could not claim jobs; retrying", self.name)
                    await self._pause(self.error_pause_seconds)
                    continue
                self._start(claimed)
                if len(claimed) == free:
                    continue  # more may be due: claim again as soon as a slot frees
            with suppress(TimeoutError):
                await asyncio.wait_for(self._signal.wait(), poll)

    async def _watch(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self.stop()

    async def _pause(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _claim(self, limit: int) -> list[Job]:
        """Lease up to ``limit`` due jobs to this worker, oldest first.

        On PostgreSQL, SKIP LOCKED lets many workers claim at once without
        waiting on each other's rows. On SQLite the write transaction begins
        IMMEDIATE, taking the database's one write lock, so no other process
        can claim between our select and our update.
        """
        now = utcnow()
        if self.db.is_sqlite and not await self._any_due(now):
            # An idle poll should not take SQLite's one write lock from the
            # requests (and other worker processes) that need it.
            return []
        query = (
            select(Job)
            .where(_due(now))
            .order_by(Job.run_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        until = now + timedelta(seconds=self.settings.job_lease_seconds)
        claimed: list[Job] = []
        async with self.db.write() as session:
            for job in await session.scalars(query):
                if job.state == RUNNING and not self._reclaim(job, now):
                    continue
                job.state = RUNNING
                job.locked_by = self.name
                job.locked_until = until
                job.attempts += 1
                claimed.append(job)
        return claimed

    async def _any_due(self, now: datetime) -> bool:
        async with self.db.read() as session:
            return await session.scalar(select(Job.id).where(_due(now)).limit(1)) is not None

    def _reclaim(self, job: Job, now: datetime) -> bool:
        """Take over a job whose lease expired; False if it is used up instead.

        A job that keeps killing its worker (out of memory, a segfault in a
        codec) must not do so forever: its lost runs count as attempts.
        """
        lost = f"lease expired: worker {job.locked_by} stopped during attempt {job.attempts}"
        log.warning("job %d (%s): %s", job.id, job.kind, lost)
        job.last_error = lost
        if not _exhausted(job, now):
            return True
        job.state = DEAD
        job.dead_at = now
        job.locked_by = job.locked_until = None
        return False

    def _start(self, jobs: list[Job]) -> None:
        for job in jobs:
            task = asyncio.create_task(self._run_job(job), name=f"job {job.id} ({job.kind})")
            self._tasks.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._signal.set()
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("worker %s: %s crashed", self.name, task.get_name(), exc_info=error)

    async def _run_job(self, job: Job) -> None:
        try:
            error = await self._call_handler(job)
        except asyncio.CancelledError:
            # Stopping: hand the job back rather than leave it to its lease.
            await self._release(job)
            raise
        self._ran += 1
        try:
            if error is None:
                await self._record_success(job)
            else:
                await self._record_failure(job, error)
        except Exception:
            # The row keeps its lease; when that expires another worker retries.
            log.exception("worker %s could not record the outcome of job %d", self.name, job.id)

    async def _call_handler(self, job: Job) -> Exception | None:
        spec = HANDLERS.get(job.kind)
        ctx = JobContext(
            db=self.db, settings=self.settings, job_id=job.id, kind=job.kind, attempt=job.attempts
        )
        try:
            if spec is None:
                raise UnknownJobKind(job.kind)
            # Past its lease another worker may claim the job: stop by then.
            lease_end = job.locked_until or utcnow()
            async with asyncio.timeout((lease_end - utcnow()).total_seconds()):
                await spec.handler(ctx, job.payload)
        except Exception as error:
            return error
        return None

    def _fence(self, job: Job) -> ColumnElement[bool]:
        """Still ours: the attempt we claimed, not a later claim of the same job."""
        return and_(Job.id == job.id, Job.locked_by == self.name, Job.attempts == job.attempts)

    async def _record_success(self, job: Job) -> None:
        async with self.db.write() as session:
            result = await _execute(session, delete(Job).where(self._fence(job)))
        if result.rowcount == 0:
            log.warning("job %d (%s) finished, but was no longer leased to us", job.id, job.kind)
        else:
            log.debug("job %d (%s) done on attempt %d", job.id, job.kind, job.attempts)

    async def _record_failure(self, job: Job, error: Exception) -> None:
        now = utcnow()
        values: dict[str, Any] = {
            "last_error": describe_error(error),
            "locked_by": None,
            "locked_until": None,
        }
        if _exhausted(job, now):
            values.update(state=DEAD, dead_at=now)
            log.error(
                "job %d (%s) is dead: it failed on attempt %d of %d and was queued %s",
                job.id,
                job.kind,
                job.attempts,
                job.max_attempts,
                job.created_at,
                exc_info=error,
            )
        else:
            delay = backoff_seconds(job.attempts)
            values.update(state=PENDING, run_at=now + timedelta(seconds=delay))
            log.warning(
                "job %d (%s) failed on attempt %d of %d, retrying in %.0f s: %s",
                job.id,
                job.kind,
                job.attempts,
                job.max_attempts,
                delay,
                error,
            )
        await self._update_if_ours(job, values)

    async def _release(self, job: Job) -> None:
        """Put an interrupted job back, due now; the interruption was not its fault."""
        values: Mapping[str, Any] = {
            "state": PENDING,
            "run_at": utcnow(),
            "attempts": job.attempts - 1,
            "locked_by": None,
            "locked_until": None,
        }
        try:
            await self._update_if_ours(job, values)
        except Exception:
            log.exception("worker %s could not release job %d", self.name, job.id)

    async def _update_if_ours(self, job: Job, values: Mapping[str, Any]) -> None:
        async with self.db.write() as session:
            result = await _execute(session, update(Job).where(self._fence(job)).values(values))
        if result.rowcount == 0:
            log.warning("job %d (%s) was no longer leased to us; outcome dropped", job.id, job.kind)

    async def _drain(self) -> None:
        """Let running jobs finish; cancel (and so release) those that will not."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=self.shutdown_seconds)
        for task in late:
            task.cancel()
        if late:
            # Releasing is one short write; a handler that swallows the
            # cancellation is left to its lease.
            await asyncio.wait(late, timeout=RELEASE_SECONDS)
