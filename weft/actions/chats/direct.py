"""Direct posts and chats: "one conversation, whichever door" (issue 17 items 4, 5).

- A Mastodon app's direct post to one person (``POST /api/v1/statuses`` with
  ``visibility=direct``), or its reply to a message, is a message in the
  one-to-one chat with that person (``post_direct``); a direct post naming
  several people, or answering a post that is not a message, stays a post.
- Another server's direct ``Note`` addressed to one of our people alone is a
  message in their chat with its author (``receive_direct``); its ``Update``
  and ``Delete`` change or remove it (``update_remote_message``,
  ``delete_remote_message``).

The leading mentions a Mastodon app or server writes ("@bob hello") are left
out of the message: the chat already says whom it is to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.chats.access import (
    chat_and_members,
    find,
    listening,
    members_of,
    standing,
    tell,
)
from weft.actions.chats.messages import NewMessage, _send, html, send_message
from weft.actions.chats.start import add_member_row, pair_key, start_chat
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid, NotFound
from weft.events import CHAT_UPDATE
from weft.models import Account, Chat, ChatMessage
from weft.models.base import utcnow
from weft.policies.chats import first_folder, is_active, refusal
from weft.remote_lookup import remote_lookup
from weft.text import mentions as text_mentions

REPLY_NOT_FOUND = "the message replied to does not exist or is not visible to you"
_LEADING_MENTIONS = re.compile(r"^(?:\s*@\w[\w.-]*(?:@[\w.-]+(?::\d+)?)?(?=\s|$))+")


def without_leading_mentions(text: str) -> str:
    """``text`` less the mentions it opens with ("@bob@example.com hi" -> "hi");
    the whole text when nothing else is left."""
    rest = _LEADING_MENTIONS.sub("", text, count=1).strip()
    return rest or text.strip()


async def message_replied(session: AsyncSession, reply_to: int) -> ChatMessage | None:
    """The message ``reply_to`` names: its own id, or the direct post it came as."""
    return await session.scalar(
        select(ChatMessage).where(
            or_(ChatMessage.id == reply_to, ChatMessage.status_id == reply_to)
        )
    )


async def post_direct(
    db: Database,
    settings: Settings,
    me: int,
    text: str,
    *,
    in_reply_to_id: int | None = None,
    media_ids: Sequence[int] = (),
) -> ChatMessage | None:
    """A direct post as a message, or None when it is not one (it names no
    one or several people, or answers a post that is not a message)."""
    if in_reply_to_id is not None:
        async with db.read() as session:
            earlier = await message_replied(session, in_reply_to_id)
            chat = await session.get(Chat, earlier.chat_id) if earlier is not None else None
        if earlier is None or chat is None or chat.is_group:  # groups: the chat API only
            return None
        try:
            async with db.read() as session:
                await chat_and_members(session, me, earlier.chat_id)
        except NotFound:
            raise NotFound(REPLY_NOT_FOUND) from None
        new = NewMessage(
            text=without_leading_mentions(text), media_ids=media_ids, reply_to_id=earlier.id
        )
        with _status_field():
            return await send_message(db, settings, me, earlier.chat_id, new)
    await remote_lookup().learn_mentioned(db, settings, [text])
    async with db.read() as session:
        people = await _mentioned(session, settings, me, text)
    if len(people) != 1:
        return None
    with _status_field():
        chat = await start_chat(db, me, [people[0].id])
        new = NewMessage(text=without_leading_mentions(text), media_ids=media_ids)
        return await send_message(db, settings, me, chat.id, new)


@contextmanager
def _status_field() -> Iterator[None]:
    """The Mastodon door calls the text ``status`` and names no account ids."""
    try:
        yield
    except Invalid as error:
        field = {"text": "status", "account_ids": "status"}.get(error.field)
        if field is None:
            raise
        raise Invalid(field, error.description, error.code) from None


async def _mentioned(
    session: AsyncSession, settings: Settings, me: int, text: str
) -> list[Account]:
    wanted = {ref.key(settings.domain) for ref in text_mentions(text)}
    if not wanted:
        return []
    candidates = await session.scalars(
        select(Account).where(
            func.lower(Account.username).in_({name for name, _ in wanted}),
            Account.suspended_at.is_(None),
        )
    )
    return [
        a
        for a in candidates
        if (a.username.lower(), a.domain.lower() if a.domain else None) in wanted and a.id != me
    ]


# --- another server's direct Notes ------------------------------------------------------


@dataclass(frozen=True)
class RemoteMessage:
    """A direct Note to one of our people, as the inbox read it."""

    uri: str
    sender_id: int
    recipient_id: int
    text: str  # plain text, leading mentions included (left out here)
    reply_to_id: int | None = None  # a message of ours or theirs, when known
    created_at: datetime | None = None


async def receive_direct(db: Database, settings: Settings, note: RemoteMessage) -> str:
    """Store the Note as a message in the pair's chat (made if need be: in the
    recipient's Requests unless they follow the sender, or Spam by its rules).
    Returns what became of it, for the inbox's log."""
    text = without_leading_mentions(note.text)
    if not text:
        return "dropped: an empty direct message"
    async with db.write() as session:
        if await session.scalar(select(ChatMessage.id).where(ChatMessage.uri == note.uri)):
            return "ignored: a message we already have"
        chat = await _pair_chat(session, note.sender_id, note.recipient_id)
        if chat is None:
            return "dropped: the recipient does not take messages from the sender"
        members = await members_of(session, chat.id)
        mine = find(members, note.sender_id)
        if mine is None or not is_active(mine):
            return "dropped: the sender is not in the chat"
        reply_to = note.reply_to_id
        if reply_to is not None:
            earlier = await session.get(ChatMessage, reply_to)
            if earlier is None or earlier.chat_id != chat.id:
                reply_to = None
        new = NewMessage(reply_to_id=reply_to, uri=note.uri)
        try:
            sent = await _send(session, chat, members, mine, new, text, html(text, settings))
            message = sent.message
        except Invalid as error:
            return f"dropped: {error.description}"
        if note.created_at is not None and note.created_at < message.created_at:
            message.created_at = note.created_at
        return f"stored message {message.id} in chat {chat.id}"


async def _pair_chat(session: AsyncSession, sender: int, recipient_id: int) -> Chat | None:
    recipient = await session.get(Account, recipient_id)
    if recipient is None or recipient.suspended_at is not None:
        return None
    found = await standing(session, sender, recipient)
    key = pair_key(sender, recipient.id)
    chat = await session.scalar(select(Chat).where(Chat.pair_key == key))
    if chat is not None:
        theirs = find(await members_of(session, chat.id), recipient.id)
        if theirs is None or not theirs.accepted:
            return None if refusal(found, recipient.acct) is not None else chat
        return None if found.blocked_either_way else chat
    if refusal(found, recipient.acct) is not None:
        return None
    now = utcnow()
    chat = Chat(id=new_id(), is_group=False, created_by_id=sender, pair_key=key)
    chat.created_at = chat.updated_at = now
    session.add(chat)
    await session.flush()
    add_member_row(session, chat.id, sender, role="member", folder="inbox", accepted=True)
    folder = first_folder(follows_sender=found.follows_sender, spam=False)
    add_member_row(
        session, chat.id, recipient.id, role="member", folder=folder, accepted=folder == "inbox"
    )
    await session.flush()
    return chat


async def _their_message(session: AsyncSession, sender_id: int, uri: str) -> ChatMessage | None:
    return await session.scalar(
        select(ChatMessage).where(ChatMessage.uri == uri, ChatMessage.account_id == sender_id)
    )


async def is_remote_message(db: Database, sender_id: int, uri: str) -> bool:
    async with db.read() as session:
        return await _their_message(session, sender_id, uri) is not None


async def update_remote_message(
    db: Database, settings: Settings, sender_id: int, uri: str, text: str
) -> bool:
    """Their edit of a message they sent (no time limit: their server's rules)."""
    text = without_leading_mentions(text)
    async with db.write() as session:
        message = await _their_message(session, sender_id, uri)
        if message is None or not text:
            return False
        message.text, message.content = text, html(text, settings)
        message.edited_at = utcnow()
        members = await members_of(session, message.chat_id)
        tell(
            session,
            CHAT_UPDATE,
            message.chat_id,
            listening(members),
            message=message,
            change="edit",
        )
        return True


async def delete_remote_message(db: Database, sender_id: int, uri: str) -> bool:
    """Their delete of a message they sent: gone for everyone."""
    async with db.write() as session:
        message = await _their_message(session, sender_id, uri)
        if message is None:
            return False
        chat = await session.get(Chat, message.chat_id)
        await session.execute(delete(ChatMessage).where(ChatMessage.id == message.id))
        if chat is not None and chat.last_message_id == message.id:
            chat.last_message_id = await session.scalar(
                select(func.max(ChatMessage.id)).where(ChatMessage.chat_id == chat.id)
            )
        members = await members_of(session, message.chat_id)
        tell(
            session,
            CHAT_UPDATE,
            message.chat_id,
            listening(members),
            message_id=message.id,
            change="delete",
        )
        return True
