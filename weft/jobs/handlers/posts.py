"""Post jobs: a ghost post's end, a scheduled post's time (the work is in
weft/actions/posts/ghosts.py and weft/actions/drafts.py)."""

from __future__ import annotations

from typing import Any

from weft.actions.drafts import publish_scheduled
from weft.actions.posts.ghosts import expire_ghost
from weft.jobs.kinds import GHOST_EXPIRED, PUBLISH_SCHEDULED
from weft.jobs.registry import JobContext, job


@job(GHOST_EXPIRED)
async def ghost_expired(ctx: JobContext, payload: dict[str, Any]) -> None:
    await expire_ghost(ctx.db, int(payload["status_id"]))


@job(PUBLISH_SCHEDULED)
async def publish_due(ctx: JobContext, payload: dict[str, Any]) -> None:
    await publish_scheduled(ctx.db, ctx.settings, int(payload["id"]))
