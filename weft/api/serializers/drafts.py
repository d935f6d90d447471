"""Mastodon's ScheduledStatus entity; a draft is one without ``scheduled_at``."""

from __future__ import annotations

from typing import Any

from weft.api.serializers.accounts import iso
from weft.api.serializers.media import media_entity
from weft.config import Settings
from weft.models import MediaAttachment, ScheduledStatus
from weft.queries.drafts import held_media
from weft.runtime import Runtime


def scheduled_status_entity(
    row: ScheduledStatus, media: list[MediaAttachment], settings: Settings
) -> dict[str, Any]:
    params = dict(row.params)
    params["scheduled_at"] = None  # as Mastodon: the time is the entity's own
    for key in ("in_reply_to_id", "application_id"):  # numbers in Mastodon's params
        if params.get(key) is not None:
            params[key] = int(params[key])
    return {
        "id": str(row.id),
        "scheduled_at": iso(row.scheduled_at),
        "params": params,
        "media_attachments": [media_entity(m, settings) for m in media],
        # Weft's: when it was last saved, and why it could not be published.
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "error": row.error,
    }


async def scheduled_entities(rt: Runtime, rows: list[ScheduledStatus]) -> list[dict[str, Any]]:
    """The entities of ``rows``, their uploads read in one query."""
    async with rt.db.read() as session:
        media = await held_media(session, rows)
    return [scheduled_status_entity(r, media.get(r.id, []), rt.settings) for r in rows]


async def scheduled_entity(rt: Runtime, row: ScheduledStatus) -> dict[str, Any]:
    return (await scheduled_entities(rt, [row]))[0]
