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
from weft.jobs.kinds import JobKind, is_declared
from weft.models.base import utcnow
from weft.models.jobs import Job

# Called after a commit that queued jobs; the embedded worker pool sets it.
_wake_listeners: list[Callable[[], None]] = []


def enqueue(
    session: AsyncSession,
    kind: JobKind,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
) -> Job:
    """Add a job of ``kind`` (declared in ``weft.jobs.kinds``) to ``session``'s
    transaction, with the kind's own retry limits."""
    if not is_declared(kind):
        raise ValueError(f"job kind {kind.name!r} is not declared in weft.jobs.kinds")
    job = Job(
        kind=kind.name,
        payload=payload or {},
        run_at=run_at or utcnow(),
        max_attempts=kind.max_attempts,
        max_age_seconds=kind.max_age_seconds,
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
