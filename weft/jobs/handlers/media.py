"""Media jobs: processing uploads, copying other servers' media, removing files,
sweeping unattached uploads."""

from __future__ import annotations

from typing import Any

from weft.actions.media import sweep_unattached
from weft.actions.profile_images import Which
from weft.actions.remote_media import cache_remote_media, cache_remote_profile_image
from weft.jobs.registry import JobContext, job
from weft.media.process import process_media
from weft.media.storage import storage_for


@job("media.process", max_attempts=5, max_age_seconds=24 * 3600)
async def process(ctx: JobContext, payload: dict[str, Any]) -> None:
    await process_media(ctx.db, ctx.settings, int(payload["media_id"]))


# An unreachable server is asked again with the queue's backoff (2 s, 4 s, ...
# doubling up to its 6-hour cap, each a random point in the upper half of its
# step): 19 attempts span 16 to 33 hours, about a day, then it is given up on and
# the remote URL keeps being served. The age limit is past that span, so the
# last attempt (which records the reason) is always the nineteenth.
REMOTE_ATTEMPTS = 19
REMOTE_MAX_AGE_SECONDS = 2 * 24 * 3600


@job("media.fetch_remote", max_attempts=REMOTE_ATTEMPTS, max_age_seconds=REMOTE_MAX_AGE_SECONDS)
async def fetch_remote(ctx: JobContext, payload: dict[str, Any]) -> None:
    last = ctx.attempt >= REMOTE_ATTEMPTS
    await cache_remote_media(ctx.db, ctx.settings, int(payload["media_id"]), last_attempt=last)


@job(
    "media.fetch_remote_profile_image",
    max_attempts=REMOTE_ATTEMPTS,
    max_age_seconds=REMOTE_MAX_AGE_SECONDS,
)
async def fetch_remote_profile_image(ctx: JobContext, payload: dict[str, Any]) -> None:
    which: Which = "avatar" if payload["which"] == "avatar" else "header"
    await cache_remote_profile_image(
        ctx.db,
        ctx.settings,
        int(payload["account_id"]),
        which,
        payload.get("replaced"),
        last_attempt=ctx.attempt >= REMOTE_ATTEMPTS,
    )


@job("media.delete_files", max_attempts=12)
async def delete_files(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Rows are already gone; a key already removed is fine (jobs run twice)."""
    storage = storage_for(ctx.settings)
    for key in payload.get("keys", []):
        await storage.delete(str(key))


@job("media.sweep")
async def sweep(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Every upload queues one for a day after it; each removes every upload
    left unattached for a day, so a lost one is covered by the next."""
    await sweep_unattached(ctx.db)
