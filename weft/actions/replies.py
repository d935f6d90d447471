"""Managing the replies to one's posts: approvals, hiding, reply notifications.

A post with ``reply_approvals`` holds the replies others write to it as
``pending`` (``create.create_post`` asks ``posts.replying.reply_columns``, for
local and remote replies alike): only their author and the post's author see them,
until the post's author approves one (the replier is notified, the reply is
counted) or ignores it (it stays held; it may still be approved later).

The author of a conversation's first post may hide any reply in it: the reply
and everything under it leave the conversation for everyone but their own
authors, and the one who hid them sees them under "Hidden replies"
(``hidden_by_id`` is set on the whole subtree, and on replies written under
it later, so the policies judge each post by its own columns). Nothing of
this is told to other servers: like Threads' hiding, it is the author's
moderation of their own conversation.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.notifications import notify
from weft.actions.posts.bookkeeping import counts_as_reply, own_status, recount_reply
from weft.db.database import Database
from weft.errors import Invalid, NotFound
from weft.models import Status
from weft.models.base import utcnow
from weft.queries.statuses import descendant_ids

REPLY_APPROVED = "reply_approved"  # Weft's notification type for the replier


# --- approvals ------------------------------------------------------------------


async def approve_reply(db: Database, account_id: int, status_id: int, reply_id: int) -> Status:
    """Approve one held reply to one's post (pending or ignored)."""
    async with db.write() as session:
        await own_status(session, account_id, status_id)
        reply = await _held_reply(session, status_id, reply_id)
        await _approve(session, reply)
        return reply


async def approve_all_replies(db: Database, account_id: int, status_id: int) -> list[Status]:
    """Approve every pending reply to one's post (not those one ignored)."""
    async with db.write() as session:
        await own_status(session, account_id, status_id)
        replies = list(
            await session.scalars(
                select(Status)
                .where(Status.in_reply_to_id == status_id, Status.reply_state == "pending")
                .order_by(Status.id)
            )
        )
        for reply in replies:
            await _approve(session, reply)
        return replies


async def ignore_reply(db: Database, account_id: int, status_id: int, reply_id: int) -> Status:
    """Set a pending reply aside: still held, no longer pending."""
    async with db.write() as session:
        await own_status(session, account_id, status_id)
        reply = await _held_reply(session, status_id, reply_id)
        reply.reply_state = "ignored"
        return reply


async def _held_reply(session: AsyncSession, status_id: int, reply_id: int) -> Status:
    reply = await session.get(Status, reply_id, with_for_update=True)
    if reply is None or reply.in_reply_to_id != status_id or reply.reply_state is None:
        raise NotFound("There is no reply waiting for approval with this id.")
    return reply


async def _approve(session: AsyncSession, reply: Status) -> None:
    counted = counts_as_reply(reply)
    reply.reply_state = None
    assert reply.in_reply_to_id is not None
    await recount_reply(session, reply, counted)
    if reply.in_reply_to_account_id is not None:
        await notify(
            session,
            recipient_id=reply.account_id,
            from_account_id=reply.in_reply_to_account_id,
            type=REPLY_APPROVED,
            status_id=reply.id,
        )


# --- hiding ---------------------------------------------------------------------


async def hide_reply(db: Database, account_id: int, reply_id: int) -> Status:
    """Hide a reply in a conversation one started, with every reply under it."""
    async with db.write() as session:
        reply = await _reply_in_own_conversation(session, account_id, reply_id)
        if reply.hidden_at is None:
            reply.hidden_at = utcnow()
            await _mark_subtree(session, reply, account_id)
        return reply


async def unhide_reply(db: Database, account_id: int, reply_id: int) -> Status:
    """Show a hidden reply again; replies under it that were hidden on their
    own stay hidden."""
    async with db.write() as session:
        reply = await _reply_in_own_conversation(session, account_id, reply_id)
        if reply.hidden_at is not None:
            reply.hidden_at = None
            above = await _hidden_above(session, reply)
            await _mark_subtree(session, reply, above)
        return reply


async def _reply_in_own_conversation(
    session: AsyncSession, account_id: int, reply_id: int
) -> Status:
    """The reply, if the conversation it is in was started by ``account_id``;
    anything else is "not found" (whose conversation a post is in is no secret,
    but one may not act on others')."""
    reply = await session.get(Status, reply_id, with_for_update=True)
    if reply is None or reply.in_reply_to_id is None or reply.conversation_id is None:
        raise NotFound()
    root = await session.get(Status, reply.conversation_id)
    if root is None or root.account_id != account_id:
        raise NotFound()
    if reply.account_id == account_id:
        raise Invalid("id", "is your own reply: delete or archive it instead")
    return reply


async def _hidden_above(session: AsyncSession, reply: Status) -> int | None:
    """Who hid a reply above this one, if one is still hidden."""
    if reply.in_reply_to_id is None:
        return None
    parent = await session.get(Status, reply.in_reply_to_id)
    return parent.hidden_by_id if parent is not None else None


async def _mark_subtree(session: AsyncSession, top: Status, above: int | None) -> None:
    """Set ``hidden_by_id`` on ``top`` and its subtree: the hider of the
    nearest hidden reply on the way down, else ``above`` (``top``'s own
    hider when it is hidden itself)."""
    ids = await descendant_ids(session, top.id)
    # Locked: a hidden reply leaves its parent's replies_count, and comes back to it.
    rows = {
        row.id: row
        for row in await session.scalars(select(Status).where(Status.id.in_(ids)).with_for_update())
    }
    rows[top.id] = top
    children: dict[int, list[Status]] = defaultdict(list)
    for row in rows.values():
        if row.in_reply_to_id is not None:
            children[row.in_reply_to_id].append(row)
    root = await session.get(Status, top.conversation_id) if top.conversation_id else None
    hider = root.account_id if root is not None else None
    top_mark = hider if top.hidden_at is not None else above
    stack = [(top, top_mark)]
    while stack:
        row, mark = stack.pop()
        counted = counts_as_reply(row)
        row.hidden_by_id = mark
        await recount_reply(session, row, counted)
        for child in children[row.id]:
            stack.append((child, hider if child.hidden_at is not None else mark))
