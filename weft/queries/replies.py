"""Replies an author manages: those waiting for approval on one of their
posts, those hidden in a conversation they started, and quotes of a post.

Each list is the post's author's alone (anyone else is told "not found", as
for any post they may not act on), and goes through the policies like every
other page (``visible_page``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.paging import Page, apply, newest_first
from weft.errors import Invalid, NotFound
from weft.models import Status
from weft.models.posts import REPLY_STATES
from weft.queries.statuses import visible_status
from weft.queries.timelines import StatusPage, visible_page


async def held_replies(
    db: Database, viewer_id: int, status_id: int, approval_status: str, page: Page
) -> StatusPage:
    """The replies to the viewer's post waiting (``pending``) or set aside
    (``ignored``), newest first."""
    if approval_status not in REPLY_STATES:
        raise Invalid(
            "approval_status", f"must be one of: {', '.join(REPLY_STATES)}", "ERR_INCLUSION"
        )
    async with db.read() as session:
        await _own(session, viewer_id, status_id)
        query = select(Status.id).where(
            Status.in_reply_to_id == status_id, Status.reply_state == approval_status
        )
        ids = newest_first(list(await session.scalars(apply(query, Status.id, page))), page)
        return await visible_page(session, viewer_id, ids, hide_muted=False)


async def hidden_replies(db: Database, viewer_id: int, status_id: int, page: Page) -> StatusPage:
    """The replies the viewer hid in the conversation of their post
    ``status_id`` (which they started), each hidden one but not the replies
    under it, newest first."""
    async with db.read() as session:
        status = await _own(session, viewer_id, status_id)
        conversation = status.conversation_id or status.id
        root = await session.get(Status, conversation)
        if root is None or root.account_id != viewer_id:
            raise NotFound()  # one's reply in someone else's conversation
        query = select(Status.id).where(
            Status.conversation_id == conversation, Status.hidden_at.is_not(None)
        )
        ids = newest_first(list(await session.scalars(apply(query, Status.id, page))), page)
        return await visible_page(session, viewer_id, ids, hide_muted=False)


async def quotes_of(db: Database, viewer_id: int | None, status_id: int, page: Page) -> StatusPage:
    """Accepted quotes of a post the viewer may see, those they may see, newest
    first (Mastodon 4.5's ``GET /api/v1/statuses/:id/quotes``)."""
    async with db.read() as session:
        await visible_status(session, viewer_id, status_id)
        query = select(Status.id).where(
            Status.quote_of_id == status_id, Status.quote_state == "accepted"
        )
        ids = newest_first(list(await session.scalars(apply(query, Status.id, page))), page)
        return await visible_page(session, viewer_id, ids, hide_muted=True)


async def _own(session: AsyncSession, viewer_id: int, status_id: int) -> Status:
    status = await session.get(Status, status_id)
    if status is None or status.account_id != viewer_id:
        raise NotFound()
    return status
