"""A child process for test_crash.py, which SIGKILLs it mid-way.

    python -m tests.jobs.crash_worker enqueue      # queue a job, commit, hang
    python -m tests.jobs.crash_worker work SECONDS # claim with that lease, hang in the handler

The database is ``$WEFT_TEST_DATABASE_URL``. Each mode prints one line once
it has reached the point where the test should kill it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from weft.config import Settings
from weft.db.database import Database
from weft.jobs.kinds import declare
from weft.jobs.queue import enqueue
from weft.jobs.registry import JobContext, job
from weft.jobs.worker import Worker

ENQUEUED = declare("test.crash.enqueued")
BLOCKING = declare("test.crash.blocking")
WORKER_NAME = "doomed-worker"


async def block(ctx: JobContext, payload: dict[str, Any]) -> None:
    print(f"running {ctx.job_id}", flush=True)
    await asyncio.Event().wait()


async def enqueue_then_hang(db: Database) -> None:
    async with db.write() as session:
        queued = enqueue(session, ENQUEUED, {"from": "child"})
    print(f"committed {queued.id}", flush=True)
    await asyncio.Event().wait()


async def work_then_hang(db: Database, lease_seconds: int) -> None:
    # Registered here, not on import: the test imports this module's names and
    # registers handlers of its own for the same kinds (the worker wants one
    # for every declared kind).
    job(BLOCKING)(block)
    job(ENQUEUED)(block)
    settings = Settings(database_url=db.url, job_lease_seconds=lease_seconds, embedded_workers=0)
    await Worker(db, settings, name=WORKER_NAME, concurrency=1).run()


async def main(mode: str, *args: str) -> None:
    db = Database(os.environ["WEFT_TEST_DATABASE_URL"])
    if mode == "enqueue":
        await enqueue_then_hang(db)
    elif mode == "work":
        await work_then_hang(db, int(args[0]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
