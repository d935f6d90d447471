"""Job kinds are declared once (weft/jobs/kinds.py): a handler of an undeclared
kind, a second declaration, a queued undeclared kind or a worker with a kind
left without a handler are all refused."""

from __future__ import annotations

from typing import Any

import pytest

from weft.config import Settings
from weft.db.database import Database
from weft.jobs import kinds
from weft.jobs.kinds import DECLARED, JobKind, declare
from weft.jobs.queue import enqueue
from weft.jobs.registry import HANDLERS, JobContext, job
from weft.jobs.worker import Worker


async def nothing(ctx: JobContext, payload: dict[str, Any]) -> None:
    return None


def test_a_handler_of_an_undeclared_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="not declared"):
        job(JobKind("test.kinds.undeclared"))(nothing)


def test_a_kind_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        declare(kinds.SEND_MAIL.name)


async def test_an_undeclared_kind_cannot_be_queued(db: Database) -> None:
    async with db.write() as session:
        with pytest.raises(ValueError, match="not declared"):
            enqueue(session, JobKind("test.kinds.stray"))


async def test_a_queued_job_carries_its_kinds_limits(db: Database) -> None:
    async with db.write() as session:
        queued = enqueue(session, kinds.FETCH_REMOTE_MEDIA, {"media_id": 1})
    assert (queued.kind, queued.max_attempts, queued.max_age_seconds) == (
        "media.fetch_remote",
        19,
        2 * 24 * 3600,
    )


def test_every_kind_weft_declares_has_a_handler() -> None:
    assert {name for name in DECLARED if not name.startswith("test.")} <= HANDLERS.keys()


def test_a_worker_will_not_start_with_a_kind_left_without_a_handler(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(DECLARED, "test.kinds.orphan", JobKind("test.kinds.orphan"))
    with pytest.raises(RuntimeError, match=r"without a handler: test\.kinds\.orphan"):
        Worker(db, settings)
