"""Processing activities delivered to our inboxes (the work is in weft/federation/inbox)."""

from __future__ import annotations

from typing import Any

from weft.federation import inbox
from weft.jobs.kinds import PROCESS_INBOUND
from weft.jobs.registry import JobContext, job


@job(PROCESS_INBOUND)
async def process_inbound(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An object we could not fetch raises ``Unreachable`` and is retried later."""
    await inbox.process(ctx.db, ctx.settings, payload)
