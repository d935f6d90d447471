"""Reading chats: a person's chat list by folder, one chat, its messages.

Every read goes through the member's window (``weft.policies.chats``): the
SQL below is that predicate written for a page (``_window``), and the
messages of people the reader blocks are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.paging import Page, apply
from weft.errors import Invalid, NotFound
from weft.models import (
    Account,
    Block,
    Chat,
    ChatMember,
    ChatMessage,
    ChatReaction,
    MediaAttachment,
)
from weft.models.chats import FOLDERS
from weft.policies.chats import can_read, is_active


@dataclass
class MessagePage:
    """Messages with what renders them: authors, media, reactions."""

    messages: list[ChatMessage]
    accounts: dict[int, Account] = field(default_factory=dict)
    media: dict[int, list[MediaAttachment]] = field(default_factory=dict)
    # message id -> [(emoji, count, whether the reader reacted so)]
    reactions: dict[int, list[tuple[str, int, bool]]] = field(default_factory=dict)


@dataclass
class ChatView:
    chat: Chat
    mine: ChatMember
    members: list[ChatMember]  # present ones, in the order they joined
    accounts: dict[int, Account]
    unread: int
    last: MessagePage | None  # the newest message the reader may read


def _window(member: Any, message: Any = ChatMessage) -> ColumnElement[bool]:
    return and_(
        message.id > member.joined_after_id,
        message.id > member.hidden_through_id,
        or_(member.left_at_id.is_(None), message.id <= member.left_at_id),
    )


async def blocked_by(session: AsyncSession, me: int) -> frozenset[int]:
    rows = await session.scalars(select(Block.target_account_id).where(Block.account_id == me))
    return frozenset(rows)


async def membership(session: AsyncSession, me: int, chat_id: int) -> tuple[Chat, ChatMember]:
    """The chat and my membership; 404 for anyone who never was a member."""
    mine = await session.scalar(
        select(ChatMember).where(ChatMember.chat_id == chat_id, ChatMember.account_id == me)
    )
    chat = await session.get(Chat, chat_id) if mine is not None else None
    if chat is None or mine is None:
        raise NotFound("chat not found")
    return chat, mine


async def load_messages(session: AsyncSession, me: int, messages: list[ChatMessage]) -> MessagePage:
    page = MessagePage(messages)
    if not messages:
        return page
    ids = [m.id for m in messages]
    authors = {m.account_id for m in messages}
    page.accounts = {
        a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(authors)))
    }
    media = await session.scalars(
        select(MediaAttachment)
        .where(MediaAttachment.chat_message_id.in_(ids))
        .order_by(MediaAttachment.position)
    )
    for item in media:
        assert item.chat_message_id is not None
        page.media.setdefault(item.chat_message_id, []).append(item)
    rows = await session.execute(
        select(ChatReaction.message_id, ChatReaction.emoji, ChatReaction.account_id)
        .where(ChatReaction.message_id.in_(ids))
        .order_by(ChatReaction.id)
    )
    counts: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for message_id, emoji, account_id in rows:
        counts[message_id].setdefault(emoji, []).append(account_id)
    page.reactions = {
        m: [(e, len(who), me in who) for e, who in by.items()] for m, by in counts.items()
    }
    return page


async def chat_messages(session: AsyncSession, me: int, chat_id: int, page: Page) -> MessagePage:
    """A page of the chat's messages, newest first."""
    _, mine = await membership(session, me, chat_id)
    hidden = await blocked_by(session, me)
    query = select(ChatMessage).where(
        ChatMessage.chat_id == chat_id,
        ChatMessage.id > mine.joined_after_id,
        ChatMessage.id > mine.hidden_through_id,
    )
    if mine.left_at_id is not None:
        query = query.where(ChatMessage.id <= mine.left_at_id)
    if hidden:
        query = query.where(ChatMessage.account_id.not_in(hidden))
    rows = list(await session.scalars(apply(query, ChatMessage.id, page)))
    if page.ascending:
        rows.reverse()
    return await load_messages(session, me, rows)


async def chat_message(
    session: AsyncSession, me: int, chat_id: int, message_id: int
) -> MessagePage:
    """One message the reader may read (404 otherwise)."""
    _, mine = await membership(session, me, chat_id)
    message = await session.get(ChatMessage, message_id)
    hidden = await blocked_by(session, me)
    if message is None or message.chat_id != chat_id or not can_read(mine, message, hidden):
        raise NotFound("message not found")
    return await load_messages(session, me, [message])


def check_folder(folder: str | None) -> str:
    folder = folder or "inbox"
    if folder not in FOLDERS:
        raise Invalid("folder", f"must be one of {', '.join(FOLDERS)}")
    return folder


async def chat_list(session: AsyncSession, me: int, folder: str, page: Page) -> list[ChatView]:
    """My chats in ``folder``, newest activity first (paged by the newest
    message's id); a chat with nothing for me to read is listed to its creator only."""
    activity = func.coalesce(Chat.last_message_id, Chat.id)
    query = (
        select(Chat, ChatMember)
        .join(ChatMember, ChatMember.chat_id == Chat.id)
        .where(
            ChatMember.account_id == me,
            ChatMember.folder == folder,
            or_(
                Chat.last_message_id > ChatMember.hidden_through_id,
                and_(Chat.last_message_id.is_(None), Chat.created_by_id == me),
            ),
        )
    )
    rows = [(c, m) for c, m in await session.execute(apply(query, activity, page))]
    if page.ascending:
        rows.reverse()
    return await chat_views(session, me, rows)


def activity_of(view: ChatView) -> int:
    """The cursor ``chat_list`` pages by."""
    return view.chat.last_message_id or view.chat.id


async def chat_view(session: AsyncSession, me: int, chat_id: int) -> ChatView:
    chat, mine = await membership(session, me, chat_id)
    return (await chat_views(session, me, [(chat, mine)]))[0]


async def chat_views(
    session: AsyncSession, me: int, rows: Sequence[tuple[Chat, ChatMember]]
) -> list[ChatView]:
    """Chats with their members, my unread count and my newest readable
    message, in a fixed number of queries for any number of chats."""
    if not rows:
        return []
    chat_ids = [chat.id for chat, _ in rows]
    members: dict[int, list[ChatMember]] = defaultdict(list)
    for member in await session.scalars(
        select(ChatMember).where(ChatMember.chat_id.in_(chat_ids)).order_by(ChatMember.joined_at)
    ):
        members[member.chat_id].append(member)
    people = {m.account_id for ms in members.values() for m in ms}
    accounts = {
        a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(people)))
    }
    hidden = await blocked_by(session, me)
    mine = select(ChatMember).where(ChatMember.account_id == me).subquery()
    readable = [ChatMessage.chat_id.in_(chat_ids), _window(mine.c)]
    if hidden:
        readable.append(ChatMessage.account_id.not_in(hidden))
    joined = select(ChatMessage.chat_id).join(mine, mine.c.chat_id == ChatMessage.chat_id)
    unread: dict[int, int] = dict(
        (
            await session.execute(
                joined.add_columns(func.count())
                .where(
                    *readable,
                    ChatMessage.id > mine.c.last_read_id,
                    ChatMessage.account_id != me,
                )
                .group_by(ChatMessage.chat_id)
            )
        ).all()
    )
    newest: dict[int, int | None] = dict(
        (
            await session.execute(
                joined.add_columns(func.max(ChatMessage.id))
                .where(*readable)
                .group_by(ChatMessage.chat_id)
            )
        ).all()
    )
    last_ids = [i for i in newest.values() if i is not None]
    lasts = list(await session.scalars(select(ChatMessage).where(ChatMessage.id.in_(last_ids))))
    last_page = await load_messages(session, me, lasts)
    by_chat = {m.chat_id: m for m in lasts}
    views = []
    for chat, member in rows:
        last = by_chat.get(chat.id)
        views.append(
            ChatView(
                chat=chat,
                mine=member,
                members=[m for m in members[chat.id] if is_active(m)],
                accounts=accounts,
                unread=unread.get(chat.id, 0),
                last=None if last is None else _one(last_page, last),
            )
        )
    return views


def _one(page: MessagePage, message: ChatMessage) -> MessagePage:
    return MessagePage(
        [message],
        page.accounts,
        {message.id: page.media.get(message.id, [])},
        {message.id: page.reactions.get(message.id, [])},
    )


async def unread_chats(session: AsyncSession, me: int) -> int:
    """How many of my inbox chats, not muted, hold messages I have not read:
    the web app's Messages badge."""
    mine = (
        select(ChatMember)
        .where(ChatMember.account_id == me, ChatMember.folder == "inbox")
        .where(ChatMember.accepted.is_(True), ChatMember.muted.is_(False))
        .subquery()
    )
    query = (
        select(func.count(func.distinct(ChatMessage.chat_id)))
        .join(mine, mine.c.chat_id == ChatMessage.chat_id)
        .where(
            _window(mine.c),
            ChatMessage.id > mine.c.last_read_id,
            ChatMessage.account_id != me,
            ChatMessage.account_id.not_in(
                select(Block.target_account_id).where(Block.account_id == me)
            ),
        )
    )
    return int(await session.scalar(query) or 0)
