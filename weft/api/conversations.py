"""Chats through Mastodon's door (docs/api.md, "Conversations"; decision 0034).

A one-to-one chat is a Mastodon Conversation, its messages direct Statuses:
``/api/v1/conversations`` (list, ``read``, delete), ``/api/v1/timelines/direct``,
and, for ``weft/api/statuses.py``, a direct post to one person made a message
(``post_direct``) and a message read, edited or deleted by its id.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from weft.actions.chats.direct import post_direct, without_leading_mentions
from weft.actions.chats.messages import delete_message, edit_message
from weft.actions.chats.state import delete_chat_for_me, mark_read
from weft.api.auth import Credentials, user_scoped
from weft.api.pagination import page_of, paged_json
from weft.api.schemas import PAGING, Empty, answers, inputs
from weft.api.schemas.statuses import Conversation, Status
from weft.api.serializers.conversations import (
    conversation_entity,
    message_status,
    message_statuses,
)
from weft.config import Settings
from weft.db.database import Database
from weft.errors import NotFound
from weft.queries import conversations as queries
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime

router = APIRouter()
READ = user_scoped("read:statuses")
WRITE = user_scoped("write:conversations")


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None  # user_scoped guarantees a person
    return credentials.account.id


@router.get(
    "/api/v1/conversations",
    tags=["conversations"],
    summary="One's one-to-one chats as conversations",
    **answers(list[Conversation]),
    **inputs(*PAGING),
)
async def conversations_index(
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    """The one-to-one chats of the inbox and Requests, newest message first."""
    page = page_of(request)
    async with rt.db.read() as session:
        views = await queries.conversations(session, _me(credentials), page)
        replied = await queries.views_replied(session, views)
    return paged_json(
        request,
        [conversation_entity(v, rt.settings, replied) for v in views],
        [v.chat.last_message_id or v.chat.id for v in views],
    )


@router.post(
    "/api/v1/conversations/{conversation_id}/read",
    tags=["conversations"],
    summary="Mark a conversation read",
    **answers(Conversation),
)
async def conversations_read(
    conversation_id: str,
    credentials: Credentials = Depends(WRITE),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    me, chat_id = _me(credentials), parse_id(conversation_id)
    async with rt.db.read() as session:
        await queries.conversation(session, me, chat_id)
    await mark_read(rt.db, me, chat_id, None)
    async with rt.db.read() as session:
        view = await queries.conversation(session, me, chat_id)
        replied = await queries.views_replied(session, [view])
    return conversation_entity(view, rt.settings, replied)


@router.delete(
    "/api/v1/conversations/{conversation_id}",
    tags=["conversations"],
    summary="Remove a conversation (its messages, for oneself)",
    **answers(Empty),
)
async def conversations_delete(
    conversation_id: str,
    credentials: Credentials = Depends(WRITE),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """As the chat's "delete for me": what was said so far is gone for you."""
    me, chat_id = _me(credentials), parse_id(conversation_id)
    async with rt.db.read() as session:
        await queries.conversation(session, me, chat_id)
    await delete_chat_for_me(rt.db, me, chat_id)
    return {}


@router.get(
    "/api/v1/timelines/direct",
    tags=["timelines"],
    summary="The messages of one's one-to-one chats",
    **answers(list[Status]),
    **inputs(*PAGING),
)
async def direct_timeline(
    request: Request,
    credentials: Credentials = Depends(READ),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    page = page_of(request)
    async with rt.db.read() as session:
        direct = await queries.direct_messages(session, _me(credentials), page)
    return paged_json(
        request,
        message_statuses(direct, rt.settings),
        [m.id for m in direct.page.messages],
    )


# --- what weft/api/statuses.py asks of messages ------------------------------------------


async def posted_direct(
    rt: Runtime, me: int, text: str, in_reply_to_id: int | None, media_ids: tuple[int, ...]
) -> dict[str, Any] | None:
    """A direct post made a message, as its Status; None when it stays a post."""
    message = await post_direct(
        rt.db, rt.settings, me, text, in_reply_to_id=in_reply_to_id, media_ids=media_ids
    )
    if message is None:
        return None
    return await message_as_status(rt.db, rt.settings, me, message.id)


async def message_as_status(
    db: Database, settings: Settings, me: int | None, message_id: int
) -> dict[str, Any]:
    """The message as a direct Status (404 unless ``me`` may read it)."""
    if me is None:
        raise NotFound("Record not found")
    async with db.read() as session:
        direct = await queries.one_message(session, me, message_id)
    return message_status(direct.page.messages[0], direct, settings)


async def message_context(
    db: Database, settings: Settings, me: int | None, message_id: int
) -> dict[str, Any]:
    if me is None:
        raise NotFound("Record not found")
    async with db.read() as session:
        message = await queries.readable_message(session, me, message_id)
        ancestors, descendants = await queries.message_context(session, me, message)
    return {
        "ancestors": message_statuses(ancestors, settings),
        "descendants": message_statuses(descendants, settings),
    }


async def edited_message(rt: Runtime, me: int, message_id: int, text: str) -> dict[str, Any] | None:
    """A message edited through ``PUT /api/v1/statuses/:id``; None if no message."""
    async with rt.db.read() as session:
        try:
            message = await queries.readable_message(session, me, message_id)
        except NotFound:
            return None
    if message.id != message_id:  # the direct post a message came as: a post's edit
        return None
    text = without_leading_mentions(text)
    await edit_message(rt.db, rt.settings, me, message.chat_id, message.id, text)
    return await message_as_status(rt.db, rt.settings, me, message.id)


async def deleted_message(rt: Runtime, me: int, message_id: int) -> dict[str, Any] | None:
    """A message deleted through ``DELETE /api/v1/statuses/:id``; None if no message."""
    async with rt.db.read() as session:
        try:
            message = await queries.readable_message(session, me, message_id)
        except NotFound:
            return None
    if message.id != message_id:  # the direct post a message came as: a post's delete
        return None
    entity = await message_as_status(rt.db, rt.settings, me, message_id)
    await delete_message(rt.db, me, message.chat_id, message.id)
    entity["text"] = message.text
    return entity
