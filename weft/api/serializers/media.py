"""MediaAttachment entities (Mastodon's shape)."""

from __future__ import annotations

from typing import Any

from weft.config import Settings
from weft.media.storage import storage_for
from weft.models import MediaAttachment


def media_entity(media: MediaAttachment, settings: Settings) -> dict[str, Any]:
    """``url`` is null until processing is done (``POST /api/v2/media`` answers 202)."""
    storage = storage_for(settings)
    ready = media.state == "ready"
    meta: dict[str, Any] = dict(media.meta or {})
    if media.type in ("image", "gifv", "video"):
        meta["focus"] = {"x": media.focus_x, "y": media.focus_y}
    return {
        "id": str(media.id),
        "type": media.type if media.type in ("image", "gifv", "video", "audio") else "unknown",
        # Another server's file we keep no copy of: its own URL.
        "url": storage.url(media.file_key) if ready and media.file_key else _remote(media),
        "preview_url": (
            storage.url(media.thumbnail_key) if ready and media.thumbnail_key else None
        ),
        "remote_url": media.remote_url,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta or None,
        "description": media.description,
        "blurhash": media.blurhash,
    }


def _remote(media: MediaAttachment) -> str | None:
    return media.remote_url if media.state == "ready" and not media.upload_key else None
