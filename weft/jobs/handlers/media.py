"""Media jobs: processing uploads, copying other servers' media, removing files,
sweeping unattached uploads."""

from __future__ import annotations

from typing import Any

from weft.actions.media import sweep_unattached
from weft.actions.profile_images import Which
from weft.actions.remote_media import cache_remote_media, cache_remote_profile_image
from weft.jobs.kinds import (
    DELETE_FILES,
    FETCH_REMOTE_MEDIA,
    FETCH_REMOTE_PROFILE_IMAGE,
    PROCESS_MEDIA,
    SWEEP_MEDIA,
)
from weft.jobs.registry import JobContext, job
from weft.media.process import process_media
from weft.media.storage import storage_for


@job(PROCESS_MEDIA)
async def process(ctx: JobContext, payload: dict[str, Any]) -> None:
    await process_media(ctx.db, ctx.settings, int(payload["media_id"]))


@job(FETCH_REMOTE_MEDIA)
async def fetch_remote(ctx: JobContext, payload: dict[str, Any]) -> None:
    last = ctx.attempt >= FETCH_REMOTE_MEDIA.max_attempts
    await cache_remote_media(ctx.db, ctx.settings, int(payload["media_id"]), last_attempt=last)


@job(FETCH_REMOTE_PROFILE_IMAGE)
async def fetch_remote_profile_image(ctx: JobContext, payload: dict[str, Any]) -> None:
    which: Which = "avatar" if payload["which"] == "avatar" else "header"
    await cache_remote_profile_image(
        ctx.db,
        ctx.settings,
        int(payload["account_id"]),
        which,
        payload.get("replaced"),
        last_attempt=ctx.attempt >= FETCH_REMOTE_PROFILE_IMAGE.max_attempts,
    )


@job(DELETE_FILES)
async def delete_files(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Rows are already gone; a key already removed is fine (jobs run twice)."""
    storage = storage_for(ctx.settings)
    for key in payload.get("keys", []):
        await storage.delete(str(key))


@job(SWEEP_MEDIA)
async def sweep(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Every upload queues one for a day after it; each removes every upload
    left unattached for a day, so a lost one is covered by the next."""
    await sweep_unattached(ctx.db)
