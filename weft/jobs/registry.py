"""Handlers of the job kinds declared in ``weft.jobs.kinds``.

A handler is ``async def handle(ctx: JobContext, payload: dict) -> None``. It
runs at least once: it loads what it needs again by id, treats a missing row
as done, and can run twice without harm. Raising retries the job later.

>>> @job(SEND_MAIL)
... async def send_mail(ctx: JobContext, payload: dict[str, Any]) -> None: ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from weft.jobs.kinds import DECLARED, JobKind, is_declared

if TYPE_CHECKING:
    from weft.config import Settings
    from weft.db.database import Database


@dataclass(frozen=True)
class JobContext:
    db: Database
    settings: Settings
    job_id: int
    kind: str
    attempt: int  # 1 on the first run


Handler = Callable[[JobContext, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Registered:
    kind: JobKind
    handler: Handler


HANDLERS: dict[str, Registered] = {}


def job(kind: JobKind) -> Callable[[Handler], Handler]:
    """Register ``handler`` for jobs of ``kind`` (declared in ``weft.jobs.kinds``)."""
    if not is_declared(kind):
        raise ValueError(f"job kind {kind.name!r} is not declared in weft.jobs.kinds")

    def register(handler: Handler) -> Handler:
        known = HANDLERS.get(kind.name)
        if known is not None and known.handler is not handler:
            raise ValueError(f"job kind {kind.name!r} is registered twice")
        HANDLERS[kind.name] = Registered(kind, handler)
        return handler

    return register


def check_handlers() -> None:
    """Fail unless every kind declared in ``weft.jobs.kinds`` has a handler (the
    worker calls this once ``weft.jobs.handlers`` is imported, before it starts)."""
    missing = sorted(DECLARED.keys() - HANDLERS.keys())
    if missing:
        raise RuntimeError(f"job kinds without a handler: {', '.join(missing)}")
