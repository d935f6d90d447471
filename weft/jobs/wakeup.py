"""Waking workers in other processes: PostgreSQL's LISTEN/NOTIFY.

A job queued in a ``weft serve`` process wakes that process's own workers
after the commit (weft/jobs/queue.py), but not a ``weft worker`` elsewhere,
which would find it only at its next poll (``WEFT_JOB_POLL_MS``, 1 s): a
fan-out job, and so every live stream of a new post, waited for it. On
PostgreSQL the jobs table has a trigger (migration 0021) that NOTIFYs
``weft_jobs`` for each statement inserting jobs; PostgreSQL delivers it once
the transaction commits, never for one rolled back, and folds repeats within
a transaction into one. Every worker LISTENs on a connection of its own and
claims at once.

Best effort: while the connection is down, notifications are missed and the
poll finds the jobs, as before. SQLite has no such channel; its workers are
in the ``weft serve`` process that queues the jobs, or poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

import asyncpg

from weft.db.database import Database

log = logging.getLogger("weft.jobs")

CHANNEL = "weft_jobs"
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 30.0
# A quiet connection is checked this often: a peer gone without a FIN (a
# network partition) would otherwise leave us listening to nothing.
CHECK_SECONDS = 60.0
# SQLAlchemy's options for its own asyncpg adapter, not asyncpg's.
_ADAPTER_OPTIONS = ("prepared_statement_cache_size", "prepared_statement_name_func")


async def listen_for_jobs(db: Database, wake: Callable[[], None]) -> None:
    """Call ``wake`` for every commit that queued jobs, in any process, until
    cancelled. Returns at once on SQLite."""
    if db.is_sqlite:
        return
    _, options = db.write_engine.dialect.create_connect_args(db.write_engine.url)
    for name in _ADAPTER_OPTIONS:
        options.pop(name, None)
    options["server_settings"] = {"application_name": "weft-job-wakeups"}
    wait = RETRY_FIRST_SECONDS
    while True:
        try:
            await _listen(options, wake)
            wait = RETRY_FIRST_SECONDS
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            log.warning("job wake-ups: lost the connection (%s); polling until it is back", error)
        await asyncio.sleep(wait)
        wait = min(wait * 2, RETRY_MAX_SECONDS)


async def _listen(options: Mapping[str, Any], wake: Callable[[], None]) -> None:
    connection: asyncpg.Connection = await asyncpg.connect(timeout=10, **options)
    try:
        ended = asyncio.get_running_loop().create_future()

        def on_end(_: object) -> None:
            if not ended.done():
                ended.set_result(None)

        connection.add_termination_listener(on_end)
        await connection.add_listener(CHANNEL, lambda *_: wake())
        wake()  # jobs queued while we were not listening
        while not ended.done():
            try:
                await asyncio.wait_for(asyncio.shield(ended), CHECK_SECONDS)
            except TimeoutError:
                await connection.fetchval("SELECT 1", timeout=10)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(connection.close(), 5)
