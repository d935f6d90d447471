"""Telling open streams of a change to a post (weft/events): called inside
the action's transaction, heard once it commits."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from weft.events import emit
from weft.models import Status
from weft.timelines.sources import recipients
from weft.timelines.streams import post_keys


async def tell_streams(session: AsyncSession, name: str, status: Status) -> None:
    """``name`` (``delete``, ``status.update``) for every stream ``status``
    reached: its readers' home timelines, the public and hashtag streams.
    Call it while the post's rows (followers, tags) are still there."""
    readers = await recipients(session, status)
    emit(
        session,
        name,
        await post_keys(session, status, readers),
        status_id=status.id,
        account_id=status.account_id,
    )
