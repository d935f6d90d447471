"""Media jobs: processing uploads, removing files, sweeping unattached uploads."""

from __future__ import annotations

from typing import Any

from weft.actions.media import sweep_unattached
from weft.jobs.registry import JobContext, job
from weft.media.process import process_media
from weft.media.storage import storage_for


@job("media.process", max_attempts=5, max_age_seconds=24 * 3600)
async def process(ctx: JobContext, payload: dict[str, Any]) -> None:
    await process_media(ctx.db, ctx.settings, int(payload["media_id"]))


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
