"""Preview card jobs (the work itself is in weft/actions/cards.py)."""

from __future__ import annotations

from typing import Any

from weft.actions.cards import attach_card
from weft.jobs.registry import JobContext, job


# A site that is down now may answer later; a day of retries is plenty for a preview.
@job("cards.fetch", max_attempts=5, max_age_seconds=24 * 3600)
async def fetch_card(ctx: JobContext, payload: dict[str, Any]) -> None:
    await attach_card(ctx.db, ctx.settings, int(payload["status_id"]))
