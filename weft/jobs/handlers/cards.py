"""Preview card jobs (the work itself is in weft/actions/cards.py)."""

from __future__ import annotations

from typing import Any

from weft.actions.cards import attach_card
from weft.jobs.kinds import FETCH_CARD
from weft.jobs.registry import JobContext, job


@job(FETCH_CARD)
async def fetch_card(ctx: JobContext, payload: dict[str, Any]) -> None:
    await attach_card(ctx.db, ctx.settings, int(payload["status_id"]))
