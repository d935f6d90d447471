"""Reading media attachments."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from weft.errors import NotFound
from weft.models import MediaAttachment


async def own_unattached_media(
    session: AsyncSession, account_id: int, media_id: int
) -> MediaAttachment:
    """An upload of ``account_id`` never in a post; anyone else's, and one an
    edit took off a post (kept for its history), is "not found" (Mastodon:
    ``current_account.media_attachments.where(status_id: nil).find``)."""
    media = await session.get(MediaAttachment, media_id)
    if (
        media is None
        or media.account_id != account_id
        or media.status_id is not None
        or media.former_status_id is not None
    ):
        raise NotFound()
    return media
