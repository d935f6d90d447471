"""Weft's chat API, ``/api/weft/v1/chats`` (docs/api.md, "Chats"): parse,
call weft/actions/chats/, render with weft/api/serializers/chats.py.

Ids are strings; lists page with ``max_id`` / ``since_id`` / ``min_id`` /
``limit`` and a ``Link`` header. The rules are in weft/policies/chats.py.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, field_validator

from weft.actions.chats.members import add_members, leave_chat, remove_member, set_role
from weft.actions.chats.messages import NewMessage, delete_message, edit_message, send
from weft.actions.chats.reactions import react, unreact
from weft.actions.chats.start import start_chat
from weft.actions.chats.state import (
    accept_chat,
    decline_chat,
    delete_chat_for_me,
    mark_read,
    report_chat,
    update_chat,
)
from weft.api.auth import Credentials, user_scoped
from weft.api.chats_schemas import ChatMessageSchema, ChatSchema
from weft.api.pagination import page_of, paged_json
from weft.api.params import bool_param, form
from weft.api.schemas import PAGING, Empty, answers, inputs, query
from weft.api.serializers.chats import (
    chat_entity,
    message_entities,
    message_entity,
    new_message_renderer,
)
from weft.errors import Invalid, NotFound
from weft.queries.accounts import parse_id
from weft.queries.chats import (
    activity_of,
    chat_list,
    chat_message,
    chat_messages,
    chat_view,
    check_folder,
)
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["chats"])
CHATS = "/api/weft/v1/chats"
READ = user_scoped("read:statuses")
WRITE = user_scoped("write:statuses")


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


def _ids(value: list[str] | str | None, name: str) -> list[int]:
    raw = [] if value is None else [value] if isinstance(value, str) else value
    try:
        return [parse_id(i) for i in raw if i != ""]
    except NotFound:
        raise Invalid(name, "must be ids") from None


def _id(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return parse_id(value)
    except NotFound:
        raise Invalid(name, "must be an id") from None


class StartParams(_Params):
    account_ids: list[str] | str | None = None
    name: str | None = None


class ChatParams(_Params):
    name: str | None = None
    muted: bool | None = None

    @field_validator("muted", mode="before")
    @classmethod
    def _rails_bool(cls, value: Any) -> bool | None:
        return bool_param(value)


class ReadParams(_Params):
    last_read_id: str | None = None


class MembersParams(_Params):
    account_ids: list[str] | str | None = None


class RoleParams(_Params):
    role: str = ""


class MessageParams(_Params):
    text: str = ""
    media_ids: list[str] | str | None = None
    reply_to_id: str | None = None


class EditParams(_Params):
    text: str = ""


class ReactionParams(_Params):
    emoji: str = ""


class ReportParams(_Params):
    message_ids: list[str] | str | None = None
    comment: str = ""


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None  # user_scoped guarantees a person
    return credentials.account.id


async def _chat(rt: Runtime, me: int, chat_id: int) -> dict[str, Any]:
    async with rt.db.read() as session:
        view = await chat_view(session, me, chat_id)
    return chat_entity(view, rt.settings)


# --- chats -------------------------------------------------------------------------------


@router.get(
    CHATS,
    summary="Your chats, newest activity first",
    **answers(list[ChatSchema]),
    **inputs(
        query(
            "folder",
            {"type": "string", "enum": ["inbox", "requests", "spam"]},
            "Which folder (default inbox).",
        ),
        *PAGING,
    ),
)
async def chats_index(
    request: Request,
    folder: str | None = None,
    credentials: Credentials = Depends(READ),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    """My chats in a folder (``inbox``, ``requests``, ``spam``), newest activity first."""
    page = page_of(request)
    async with rt.db.read() as session:
        views = await chat_list(session, _me(credentials), check_folder(folder), page)
    return paged_json(
        request, [chat_entity(v, rt.settings) for v in views], [activity_of(v) for v in views]
    )


@router.post(
    CHATS,
    summary="Start a chat (one-to-one: the existing one is returned)",
    **answers(ChatSchema),
    **inputs(form=StartParams),
)
async def chats_create(
    credentials: Credentials = Depends(WRITE),
    params: StartParams = form(StartParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """A one-to-one chat (the existing one with that person) or a named group."""
    me = _me(credentials)
    chat = await start_chat(rt.db, me, _ids(params.account_ids, "account_ids"), params.name)
    return await _chat(rt, me, chat.id)


@router.get(CHATS + "/{chat_id}", summary="A chat", **answers(ChatSchema))
async def chats_show(
    chat_id: str, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _chat(rt, _me(credentials), parse_id(chat_id))


@router.patch(
    CHATS + "/{chat_id}",
    summary="Rename or mute a chat",
    **answers(ChatSchema),
    **inputs(form=ChatParams),
)
async def chats_update(
    chat_id: str,
    credentials: Credentials = Depends(WRITE),
    params: ChatParams = form(ChatParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """``muted`` (mine) and ``name`` (a group's, by its admins)."""
    me = _me(credentials)
    await update_chat(rt.db, me, parse_id(chat_id), name=params.name, muted=params.muted)
    return await _chat(rt, me, parse_id(chat_id))


@router.delete(CHATS + "/{chat_id}", summary="Delete a chat for yourself", **answers(ChatSchema))
async def chats_delete(
    chat_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    """Delete for me: what was said so far is gone from my side only."""
    me = _me(credentials)
    await delete_chat_for_me(rt.db, me, parse_id(chat_id))
    return await _chat(rt, me, parse_id(chat_id))


async def _do_then_show(rt: Runtime, me: int, chat_id: str, action: Any) -> dict[str, Any]:
    await action(rt.db, me, parse_id(chat_id))
    return await _chat(rt, me, parse_id(chat_id))


@router.post(CHATS + "/{chat_id}/accept", summary="Accept a request", **answers(ChatSchema))
async def chats_accept(
    chat_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _do_then_show(rt, _me(credentials), chat_id, accept_chat)


@router.post(
    CHATS + "/{chat_id}/decline",
    summary="Decline a request (the sender is not told)",
    **answers(ChatSchema),
)
async def chats_decline(
    chat_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    """The request goes away; the sender is told nothing."""
    return await _do_then_show(rt, _me(credentials), chat_id, decline_chat)


@router.post(CHATS + "/{chat_id}/leave", summary="Leave a group chat", **answers(ChatSchema))
async def chats_leave(
    chat_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _do_then_show(rt, _me(credentials), chat_id, leave_chat)


@router.post(
    CHATS + "/{chat_id}/read",
    summary="Move your read position",
    **answers(ChatSchema),
    **inputs(form=ReadParams),
)
async def chats_read(
    chat_id: str,
    credentials: Credentials = Depends(WRITE),
    params: ReadParams = form(ReadParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Read up to ``last_read_id`` (the newest message without it)."""
    me = _me(credentials)
    await mark_read(rt.db, me, parse_id(chat_id), _id(params.last_read_id, "last_read_id"))
    return await _chat(rt, me, parse_id(chat_id))


@router.post(
    CHATS + "/{chat_id}/members",
    summary="Add members to a group chat",
    **answers(ChatSchema),
    **inputs(form=MembersParams),
)
async def chats_add_members(
    chat_id: str,
    credentials: Credentials = Depends(WRITE),
    params: MembersParams = form(MembersParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    me = _me(credentials)
    await add_members(rt.db, me, parse_id(chat_id), _ids(params.account_ids, "account_ids"))
    return await _chat(rt, me, parse_id(chat_id))


@router.delete(
    CHATS + "/{chat_id}/members/{account_id}",
    summary="Remove a member from a group chat",
    **answers(ChatSchema),
)
async def chats_remove_member(
    chat_id: str,
    account_id: str,
    credentials: Credentials = Depends(WRITE),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    me = _me(credentials)
    await remove_member(rt.db, me, parse_id(chat_id), parse_id(account_id))
    return await _chat(rt, me, parse_id(chat_id))


@router.put(
    CHATS + "/{chat_id}/members/{account_id}",
    summary="Make a member an admin, or not",
    **answers(ChatSchema),
    **inputs(form=RoleParams),
)
async def chats_set_role(
    chat_id: str,
    account_id: str,
    credentials: Credentials = Depends(WRITE),
    params: RoleParams = form(RoleParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """``role``: ``admin`` or ``member`` (a group's admins only)."""
    me = _me(credentials)
    await set_role(rt.db, me, parse_id(chat_id), parse_id(account_id), params.role)
    return await _chat(rt, me, parse_id(chat_id))


@router.post(
    CHATS + "/{chat_id}/report",
    summary="Report a chat or some of its messages",
    **answers(Empty),
    **inputs(form=ReportParams),
)
async def chats_report(
    chat_id: str,
    credentials: Credentials = Depends(WRITE),
    params: ReportParams = form(ReportParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """A report to the moderators of the chat, or of ``message_ids``."""
    ids = _ids(params.message_ids, "message_ids")
    await report_chat(rt.db, _me(credentials), parse_id(chat_id), ids, params.comment)
    return {}


# --- messages ----------------------------------------------------------------------------


async def _message(rt: Runtime, me: int, chat_id: int, message_id: int) -> dict[str, Any]:
    async with rt.db.read() as session:
        page = await chat_message(session, me, chat_id, message_id)
    return message_entity(page.messages[0], page, rt.settings)


@router.get(
    CHATS + "/{chat_id}/messages",
    summary="A chat's messages, newest first",
    **answers(list[ChatMessageSchema]),
    **inputs(*PAGING),
)
async def messages_index(
    chat_id: str,
    request: Request,
    credentials: Credentials = Depends(READ),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    """The chat's messages I may read, newest first."""
    page = page_of(request)
    async with rt.db.read() as session:
        found = await chat_messages(session, _me(credentials), parse_id(chat_id), page)
    entities = message_entities(found, rt.settings)
    return paged_json(request, entities, [m.id for m in found.messages])


@router.post(
    CHATS + "/{chat_id}/messages",
    summary="Send a message",
    **answers(ChatMessageSchema),
    **inputs(form=MessageParams),
)
async def messages_create(
    chat_id: str,
    credentials: Credentials = Depends(WRITE),
    params: MessageParams = form(MessageParams),
    rt: Runtime = Depends(runtime),
) -> Response:
    """The message as its members' ``chat.message`` event carries it."""
    me = _me(credentials)
    new = NewMessage(
        text=params.text,
        media_ids=_ids(params.media_ids, "media_ids"),
        reply_to_id=_id(params.reply_to_id, "reply_to_id"),
    )
    render = new_message_renderer(rt.settings)
    sent = await send(rt.db, rt.settings, me, parse_id(chat_id), new, render)
    assert sent.payload is not None
    return Response(sent.payload, media_type="application/json")


@router.get(
    CHATS + "/{chat_id}/messages/{message_id}", summary="A message", **answers(ChatMessageSchema)
)
async def messages_show(
    chat_id: str,
    message_id: str,
    credentials: Credentials = Depends(READ),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    return await _message(rt, _me(credentials), parse_id(chat_id), parse_id(message_id))


@router.put(
    CHATS + "/{chat_id}/messages/{message_id}",
    summary="Edit a message (its author, within 15 minutes)",
    **answers(ChatMessageSchema),
    **inputs(form=EditParams),
)
async def messages_update(
    chat_id: str,
    message_id: str,
    credentials: Credentials = Depends(WRITE),
    params: EditParams = form(EditParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """New ``text``, within 15 minutes of sending (422 after)."""
    me = _me(credentials)
    ids = parse_id(chat_id), parse_id(message_id)
    await edit_message(rt.db, rt.settings, me, *ids, params.text)
    return await _message(rt, me, *ids)


@router.delete(
    CHATS + "/{chat_id}/messages/{message_id}",
    summary="Delete a message for everyone",
    **answers(Empty),
)
async def messages_delete(
    chat_id: str,
    message_id: str,
    credentials: Credentials = Depends(WRITE),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Delete for everyone (the author only)."""
    await delete_message(rt.db, _me(credentials), parse_id(chat_id), parse_id(message_id))
    return {}


@router.post(
    CHATS + "/{chat_id}/messages/{message_id}/reactions",
    summary="React to a message",
    **answers(ChatMessageSchema),
    **inputs(form=ReactionParams),
)
async def reactions_create(
    chat_id: str,
    message_id: str,
    credentials: Credentials = Depends(WRITE),
    params: ReactionParams = form(ReactionParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """My reaction (one per message: it replaces an earlier one)."""
    me = _me(credentials)
    ids = parse_id(chat_id), parse_id(message_id)
    await react(rt.db, me, *ids, params.emoji)
    return await _message(rt, me, *ids)


@router.delete(
    CHATS + "/{chat_id}/messages/{message_id}/reactions/{emoji}",
    summary="Take back your reaction",
    **answers(ChatMessageSchema),
)
async def reactions_delete(
    chat_id: str,
    message_id: str,
    emoji: str,
    credentials: Credentials = Depends(WRITE),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    me = _me(credentials)
    ids = parse_id(chat_id), parse_id(message_id)
    await unreact(rt.db, me, *ids, emoji)
    return await _message(rt, me, *ids)
