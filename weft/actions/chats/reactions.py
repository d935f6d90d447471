"""Reactions: one emoji per person per message (a new one replaces the old)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.chats.access import (
    blocked_by,
    chat_and_members,
    listening,
    require_active,
    tell,
)
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid, NotFound
from weft.events import CHAT_UPDATE
from weft.models import ChatMember, ChatMessage, ChatReaction
from weft.models.base import utcnow
from weft.policies.chats import MAX_EMOJI, can_read


def clean_emoji(emoji: str) -> str:
    emoji = emoji.strip()
    if not emoji:
        raise Invalid("emoji", "can't be blank", "ERR_BLANK")
    if len(emoji) > MAX_EMOJI or any(c.isspace() for c in emoji):
        raise Invalid("emoji", "must be one emoji")
    return emoji


async def _readable(
    session: AsyncSession, me: int, chat_id: int, message_id: int
) -> tuple[list[ChatMember], ChatMessage]:
    chat, members, mine = await chat_and_members(session, me, chat_id)
    require_active(mine)
    message = await session.get(ChatMessage, message_id)
    hidden = await blocked_by(session, me)
    if message is None or message.chat_id != chat.id or not can_read(mine, message, hidden):
        raise NotFound("message not found")
    return members, message


async def react(db: Database, me: int, chat_id: int, message_id: int, emoji: str) -> None:
    emoji = clean_emoji(emoji)
    async with db.write() as session:
        members, message = await _readable(session, me, chat_id, message_id)
        await session.execute(
            delete(ChatReaction).where(
                ChatReaction.message_id == message.id, ChatReaction.account_id == me
            )
        )
        session.add(
            ChatReaction(
                id=new_id(), message_id=message.id, account_id=me, emoji=emoji, created_at=utcnow()
            )
        )
        tell(session, CHAT_UPDATE, chat_id, listening(members), message=message, change="reaction")


async def unreact(db: Database, me: int, chat_id: int, message_id: int, emoji: str) -> None:
    async with db.write() as session:
        members, message = await _readable(session, me, chat_id, message_id)
        gone = await session.execute(
            delete(ChatReaction).where(
                ChatReaction.message_id == message.id,
                ChatReaction.account_id == me,
                ChatReaction.emoji == emoji.strip(),
            )
        )
        assert isinstance(gone, CursorResult)
        if gone.rowcount == 0:
            raise NotFound("you have not reacted to this message with this emoji")
        tell(session, CHAT_UPDATE, chat_id, listening(members), message=message, change="reaction")
