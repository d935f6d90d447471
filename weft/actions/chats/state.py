"""A member's own state of a chat: read position, mute, the group's name,
accepting or declining a request, deleting the chat for oneself, reporting."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from weft.actions.chats.access import (
    chat_and_members,
    listening,
    require_active,
    tell,
    tell_conversation,
)
from weft.actions.chats.start import clean_name
from weft.actions.reports import record_report
from weft.db.database import Database
from weft.errors import Invalid, NotFound
from weft.events import CHAT_UPDATE
from weft.models import ChatMessage
from weft.models.base import utcnow
from weft.policies.chats import can_read


async def mark_read(db: Database, me: int, chat_id: int, last_read_id: int | None) -> None:
    """Read up to ``last_read_id`` (the newest message when None); never backwards."""
    async with db.write() as session:
        chat, members, mine = await chat_and_members(session, me, chat_id)
        newest = chat.last_message_id or 0
        if last_read_id is None:
            last_read_id = newest
        if last_read_id > newest:
            raise Invalid("last_read_id", "is not a message of this chat", "ERR_NOT_FOUND")
        if last_read_id <= mine.last_read_id:
            return
        mine.last_read_id = last_read_id
        tell(session, CHAT_UPDATE, chat.id, listening(members), change="read")


async def update_chat(
    db: Database, me: int, chat_id: int, *, name: str | None = None, muted: bool | None = None
) -> None:
    """``muted`` is mine alone; ``name`` is the group's, changed by its admins."""
    async with db.write() as session:
        chat, members, mine = await chat_and_members(session, me, chat_id)
        if muted is not None:
            mine.muted = muted
        if name is not None:
            require_active(mine)
            if not chat.is_group:
                raise Invalid("name", "only a group chat has a name")
            if mine.role != "admin":
                raise Invalid("name", "may be changed by the chat's admins only")
            chat.name = clean_name(name)
            chat.updated_at = utcnow()
            tell(session, CHAT_UPDATE, chat.id, listening(members), change="chat")


async def accept_chat(db: Database, me: int, chat_id: int) -> None:
    """A request (or spam) moves to the inbox; its sender may learn it from read receipts."""
    async with db.write() as session:
        chat, _, mine = await chat_and_members(session, me, chat_id)
        require_active(mine)
        mine.accepted, mine.folder = True, "inbox"
        tell(session, CHAT_UPDATE, chat.id, [me], change="chat")
        tell_conversation(session, chat, me, "accept")


async def decline_chat(db: Database, me: int, chat_id: int) -> None:
    """The request goes away for me; its sender is told nothing. A later
    message from them opens it again in Requests."""
    async with db.write() as session:
        chat, _, mine = await chat_and_members(session, me, chat_id)
        if mine.accepted:
            raise Invalid("chat_id", "is not a request: delete it instead")
        mine.hidden_through_id = max(mine.hidden_through_id, chat.last_message_id or 0)
        mine.folder = "requests"
        tell(session, CHAT_UPDATE, chat.id, [me], change="chat")
        tell_conversation(session, chat, me, "decline")


async def delete_chat_for_me(db: Database, me: int, chat_id: int) -> None:
    """What was said so far is gone for me (the others keep it)."""
    async with db.write() as session:
        chat, _, mine = await chat_and_members(session, me, chat_id)
        mine.hidden_through_id = max(mine.hidden_through_id, chat.last_message_id or 0)
        mine.last_read_id = max(mine.last_read_id, mine.hidden_through_id)
        tell(session, CHAT_UPDATE, chat.id, [me], change="chat")


async def report_chat(
    db: Database, me: int, chat_id: int, message_ids: Sequence[int], comment: str
) -> None:
    """A report to the moderators about the chat's messages (those named, or
    the last ones by others), stored as reports are (weft/actions/reports.py):
    against the author of the first one, naming the chat and those messages."""
    async with db.read() as session:
        chat, _, mine = await chat_and_members(session, me, chat_id)
        query = select(ChatMessage).where(ChatMessage.chat_id == chat.id)
        if message_ids:
            query = query.where(ChatMessage.id.in_(list(message_ids)))
        else:
            query = query.where(ChatMessage.account_id != me).order_by(ChatMessage.id.desc())
        rows = [m for m in await session.scalars(query.limit(20)) if can_read(mine, m, frozenset())]
    if message_ids and len(rows) != len(set(message_ids)):
        raise Invalid("message_ids", "names a message not in this chat", "ERR_NOT_FOUND")
    targets = [m for m in rows if m.account_id != me]
    if not targets:
        raise NotFound("nothing to report in this chat")
    await record_report(
        db,
        me,
        targets[0].account_id,
        [],
        comment,
        chat_id=chat.id,
        chat_message_ids=[m.id for m in targets if m.account_id == targets[0].account_id],
    )
