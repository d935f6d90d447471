"""Job kinds and their handlers.

A handler is ``async def handle(ctx: JobContext, payload: dict) -> None``. It
runs at least once: it loads what it needs again by id, treats a missing row
as done, and can run twice without harm. Raising retries the job later.

>>> @job("mail.send", max_attempts=8)
... async def send_mail(ctx: JobContext, payload: dict[str, Any]) -> None: ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weft.config import Settings
    from weft.db.database import Database

DEFAULT_MAX_ATTEMPTS = 10
DEFAULT_MAX_AGE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class JobContext:
    db: Database
    settings: Settings
    job_id: int
    kind: str
    attempt: int  # 1 on the first run


Handler = Callable[[JobContext, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    max_attempts: int
    max_age_seconds: int


HANDLERS: dict[str, JobKind] = {}


def job(
    name: str,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    max_age_seconds: int = DEFAULT_MAX_AGE_SECONDS,
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for jobs of kind ``name``."""

    def register(handler: Handler) -> Handler:
        if name in HANDLERS and HANDLERS[name].handler is not handler:
            raise ValueError(f"job kind {name!r} is registered twice")
        HANDLERS[name] = JobKind(name, handler, max_attempts, max_age_seconds)
        return handler

    return register


def load_handlers() -> None:
    """Import every module that registers handlers (the worker calls this)."""
    import weft.jobs.handlers  # noqa: F401
