"""Chats read through the Mastodon door (docs/api.md, "Conversations").

One-to-one chats are Mastodon conversations: ``conversations`` lists them (the
inbox and Requests; Spam stays in the web app's folder), ``direct_messages``
is ``/api/v1/timelines/direct``, and a message is read as a direct Status by
its id (``readable_message``) with its replies around it
(``message_context``). Every read keeps a member's window
(``weft.policies.chats``) and leaves out the people the reader blocks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.paging import Page, apply
from weft.errors import NotFound
from weft.models import Account, Chat, ChatMember, ChatMessage
from weft.policies.chats import can_read, is_active
from weft.queries.chats import (
    ChatView,
    MessagePage,
    blocked_by,
    chat_views,
    load_messages,
    membership,
)

LISTED = ("inbox", "requests")
MAX_CONTEXT = 40


@dataclass
class DirectPage:
    """Messages with what renders them as Statuses: each chat's members."""

    page: MessagePage
    people: dict[int, list[Account]]  # chat id -> its present members
    replied: dict[int, int] = field(default_factory=dict)  # message answered -> its author


async def conversations(session: AsyncSession, me: int, page: Page) -> list[ChatView]:
    """My one-to-one chats with something to read, newest message first."""
    query = (
        select(Chat, ChatMember)
        .join(ChatMember, ChatMember.chat_id == Chat.id)
        .where(
            ChatMember.account_id == me,
            ChatMember.folder.in_(LISTED),
            Chat.is_group.is_(False),
            Chat.last_message_id > ChatMember.hidden_through_id,
        )
    )
    rows = [(c, m) for c, m in await session.execute(apply(query, Chat.last_message_id, page))]
    if page.ascending:
        rows.reverse()
    return await chat_views(session, me, rows)


async def conversation(session: AsyncSession, me: int, chat_id: int) -> ChatView:
    chat, mine = await membership(session, me, chat_id)
    if chat.is_group:
        raise NotFound("conversation not found")
    return (await chat_views(session, me, [(chat, mine)]))[0]


async def people_of(session: AsyncSession, chat_ids: Sequence[int]) -> dict[int, list[Account]]:
    found: dict[int, list[Account]] = defaultdict(list)
    if not chat_ids:
        return found
    rows = await session.execute(
        select(ChatMember, Account)
        .join(Account, Account.id == ChatMember.account_id)
        .where(ChatMember.chat_id.in_(set(chat_ids)))
        .order_by(ChatMember.joined_at)
    )
    for member, account in rows:
        if is_active(member):
            found[member.chat_id].append(account)
    return found


async def _direct(session: AsyncSession, me: int, messages: list[ChatMessage]) -> DirectPage:
    page = await load_messages(session, me, messages)
    people = await people_of(session, [m.chat_id for m in messages])
    return DirectPage(page, people, await replied_authors(session, messages))


async def replied_authors(session: AsyncSession, messages: Sequence[ChatMessage]) -> dict[int, int]:
    """The authors of the messages these answer, by message id."""
    answered = {m.reply_to_id for m in messages if m.reply_to_id is not None}
    if not answered:
        return {}
    rows = await session.execute(
        select(ChatMessage.id, ChatMessage.account_id).where(ChatMessage.id.in_(answered))
    )
    return {i: a for i, a in rows}


async def views_replied(session: AsyncSession, views: Sequence[ChatView]) -> dict[int, int]:
    """``replied_authors`` of the newest messages of these conversations."""
    return await replied_authors(session, [v.last.messages[0] for v in views if v.last])


async def direct_messages(session: AsyncSession, me: int, page: Page) -> DirectPage:
    """The messages of my one-to-one chats, newest first."""
    hidden = await blocked_by(session, me)
    query = (
        select(ChatMessage)
        .join(Chat, Chat.id == ChatMessage.chat_id)
        .join(
            ChatMember,
            and_(ChatMember.chat_id == ChatMessage.chat_id, ChatMember.account_id == me),
        )
        .where(
            Chat.is_group.is_(False),
            ChatMember.folder.in_(LISTED),
            ChatMessage.id > ChatMember.joined_after_id,
            ChatMessage.id > ChatMember.hidden_through_id,
            or_(ChatMember.left_at_id.is_(None), ChatMessage.id <= ChatMember.left_at_id),
        )
    )
    if hidden:
        query = query.where(ChatMessage.account_id.not_in(hidden))
    rows = list(await session.scalars(apply(query, ChatMessage.id, page)))
    if page.ascending:
        rows.reverse()
    return await _direct(session, me, rows)


async def readable_message(session: AsyncSession, me: int, message_id: int) -> ChatMessage:
    """A message of a one-to-one chat I may read, by its id or the id of the
    direct post it came as (a group's messages are the chat API's only)."""
    message = await session.scalar(
        select(ChatMessage)
        .join(Chat, Chat.id == ChatMessage.chat_id)
        .where(
            or_(ChatMessage.id == message_id, ChatMessage.status_id == message_id),
            Chat.is_group.is_(False),
        )
    )
    if message is None:
        raise NotFound("Record not found")
    mine = await session.scalar(
        select(ChatMember).where(ChatMember.chat_id == message.chat_id, ChatMember.account_id == me)
    )
    if not can_read(mine, message, await blocked_by(session, me)):
        raise NotFound("Record not found")
    return message


async def one_message(session: AsyncSession, me: int, message_id: int) -> DirectPage:
    return await _direct(session, me, [await readable_message(session, me, message_id)])


async def message_context(
    session: AsyncSession, me: int, message: ChatMessage
) -> tuple[DirectPage, DirectPage]:
    """The messages it answers (oldest first) and those answering it, in turn."""
    _, mine = await membership(session, me, message.chat_id)
    hidden = await blocked_by(session, me)
    replies = [
        m
        for m in await session.scalars(
            select(ChatMessage)
            .where(ChatMessage.chat_id == message.chat_id, ChatMessage.reply_to_id.is_not(None))
            .order_by(ChatMessage.id)
        )
        if can_read(mine, m, hidden)
    ]
    ancestors: list[ChatMessage] = []
    parent_id = message.reply_to_id
    while parent_id is not None and len(ancestors) < MAX_CONTEXT:
        parent = await session.get(ChatMessage, parent_id)
        if parent is None or not can_read(mine, parent, hidden):
            break
        ancestors.insert(0, parent)
        parent_id = parent.reply_to_id
    thread = {message.id}
    descendants: list[ChatMessage] = []
    for reply in replies:
        if reply.reply_to_id in thread and len(descendants) < MAX_CONTEXT:
            thread.add(reply.id)
            descendants.append(reply)
    return await _direct(session, me, ancestors), await _direct(session, me, descendants)
