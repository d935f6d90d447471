"""Putting jobs on the durable queue.

A job is a row added to the caller's session: it commits with the change that
needs it, or not at all. Once committed it cannot be lost; a crash only delays
it. In-process workers are woken after the commit, so they need not wait for
their next poll.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import after_commit
from weft.jobs.registry import (
    DEFAULT_MAX_AGE_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    HANDLERS,
    load_handlers,
)
from weft.models.base import utcnow
from weft.models.jobs import Job

# Called after a commit that queued jobs; the embedded worker pool sets it.
_wake_listeners: list[Callable[[], None]] = []


def enqueue(
    session: AsyncSession,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
) -> Job:
    """Add a job of ``kind`` to ``session``'s transaction."""
    if not HANDLERS:
        # A web process without workers still queues with each kind's own limits.
        load_handlers()
    spec = HANDLERS.get(kind)
    job = Job(
        kind=kind,
        payload=payload or {},
        run_at=run_at or utcnow(),
        max_attempts=spec.max_attempts if spec else DEFAULT_MAX_ATTEMPTS,
        max_age_seconds=spec.max_age_seconds if spec else DEFAULT_MAX_AGE_SECONDS,
    )
    session.add(job)
    if not session.info.get("weft.wakes_workers"):
        session.info["weft.wakes_workers"] = True
        after_commit(session, wake_workers)
    return job


def add_wake_listener(listener: Callable[[], None]) -> None:
    _wake_listeners.append(listener)


def remove_wake_listener(listener: Callable[[], None]) -> None:
    if listener in _wake_listeners:
        _wake_listeners.remove(listener)


def wake_workers() -> None:
    """Tell this process's workers that jobs are due (call after a commit)."""
    for listener in list(_wake_listeners):
        listener()
