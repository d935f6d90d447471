"""What a chat's menus and its info page change, as plain forms calling the
chat actions (weft/actions/chats/): a message's edit, delete and reactions;
accepting or declining a request; mute, report, leave, delete for me; a
group's name and members (admins add, remove and make admins).

Each answers with a redirect back to the chat (or its info page), or with
JSON for the page's script (static/messages.js); a refusal is the action's
422, which weft/web/errors.py renders.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from weft.actions.chats.members import add_members, leave_chat, remove_member, set_role
from weft.actions.chats.messages import delete_message, edit_message
from weft.actions.chats.reactions import react, unreact
from weft.actions.chats.state import (
    accept_chat,
    decline_chat,
    delete_chat_for_me,
    report_chat,
    update_chat,
)
from weft.api.serializers.chats import chat_entity
from weft.db.database import Database
from weft.errors import Invalid
from weft.models import User
from weft.queries.accounts import parse_id
from weft.queries.chats import chat_view
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.errors import wants_json
from weft.web.messages import (
    chat_context,
    chat_title,
    named_accounts,
    others_of,
    problem,
)
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter(prefix="/messages/{chat_id}")


def _back(request: Request, to: str) -> Response:
    if wants_json(request):
        return JSONResponse({"ok": True})
    return RedirectResponse(to, status_code=303)


# --- a message ---------------------------------------------------------------------------


@router.post("/{message_id}/edit", response_model=None)
async def edit(
    request: Request,
    chat_id: str,
    message_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    chat, message = parse_id(chat_id), parse_id(message_id)
    text = (await form_fields(request)).get("text", "")
    try:
        await edit_message(rt.db, rt.settings, user.account_id, chat, message, text)
    except Invalid as error:
        if wants_json(request):
            return JSONResponse({"error": problem(error)}, status_code=422)
        context = await chat_context(request, rt, user, chat)
        editing = next((m for m in context["messages"] if m["id"] == str(message)), None)
        context.update(typed=text, error=problem(error), replying=None, editing=editing)
        return await render(request, "messages/chat.html", context, 422)
    return _back(request, f"/messages/{chat}#message-{message}")


@router.post("/{message_id}/delete", response_model=None)
async def delete(
    request: Request,
    chat_id: str,
    message_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    chat = parse_id(chat_id)
    await delete_message(rt.db, user.account_id, chat, parse_id(message_id))
    return _back(request, f"/messages/{chat}")


@router.post("/{message_id}/react", response_model=None)
async def add_reaction(
    request: Request,
    chat_id: str,
    message_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    """``emoji``; sending the one already chosen takes it back (a chip's toggle)."""
    chat, message = parse_id(chat_id), parse_id(message_id)
    fields = await form_fields(request)
    emoji = fields.get("emoji", "")
    if fields.get("undo") == "1":
        await unreact(rt.db, user.account_id, chat, message, emoji)
    else:
        await react(rt.db, user.account_id, chat, message, emoji)
    return _back(request, f"/messages/{chat}#message-{message}")


# --- the chat ----------------------------------------------------------------------------


ChatAction = Callable[[Database, int, int], Awaitable[None]]


def _chat_action(path: str, action: ChatAction, to: str) -> None:
    async def route(
        request: Request,
        chat_id: str,
        user: User = Depends(require_user),
        rt: Runtime = Depends(runtime),
    ) -> Response:
        chat = parse_id(chat_id)
        await action(rt.db, user.account_id, chat)
        return _back(request, to.format(chat=chat))

    route.__name__ = f"chat_{path}"
    router.add_api_route(f"/{path}", route, methods=["POST"], response_model=None)


_chat_action("accept", accept_chat, "/messages/{chat}")
_chat_action("decline", decline_chat, "/messages?folder=requests")
_chat_action("leave", leave_chat, "/messages")
_chat_action("delete", delete_chat_for_me, "/messages")


@router.post("/mute", response_model=None)
async def mute(
    request: Request,
    chat_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    chat = parse_id(chat_id)
    muted = (await form_fields(request)).get("muted") == "1"
    await update_chat(rt.db, user.account_id, chat, muted=muted)
    return _back(request, f"/messages/{chat}/info?done={'muted' if muted else 'unmuted'}")


@router.post("/report", response_model=None)
async def report(
    request: Request,
    chat_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    """``message_id`` (one message; the latest by others without it) and ``comment``."""
    chat = parse_id(chat_id)
    fields = await form_fields(request)
    raw = fields.get("message_id", "")
    ids = [parse_id(raw)] if raw else []
    await report_chat(rt.db, user.account_id, chat, ids, fields.get("comment", ""))
    return _back(request, f"/messages/{chat}/info?done=reported")


# --- the info page: a group's name and members ------------------------------------------


async def _info_page(
    request: Request, rt: Runtime, user: User, chat_id: int, error: str | None = None
) -> HTMLResponse:
    me = user.account_id
    async with rt.db.read() as session:
        view = await chat_view(session, me, chat_id)
    chat = chat_entity(view, rt.settings)
    context: dict[str, Any] = {
        "chat": chat,
        "title": chat_title(chat, me),
        "others": others_of(chat, me),
        "is_admin": str(me) in chat["admins"] and not chat["left"],
        "error": error,
        "done": request.query_params.get("done"),
    }
    return await render(request, "messages/info.html", context, 422 if error else 200)


@router.get("/info", response_class=HTMLResponse)
async def info(
    request: Request,
    chat_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> HTMLResponse:
    return await _info_page(request, rt, user, parse_id(chat_id))


@router.post("/name", response_model=None)
async def rename(
    request: Request,
    chat_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    chat = parse_id(chat_id)
    name = (await form_fields(request)).get("name", "")
    try:
        await update_chat(rt.db, user.account_id, chat, name=name)
    except Invalid as error:
        return await _info_page(request, rt, user, chat, problem(error))
    return _back(request, f"/messages/{chat}/info?done=renamed")


@router.post("/members", response_model=None)
async def add(
    request: Request,
    chat_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    """``usernames``: the people to add, as ``@user`` separated by commas or spaces."""
    chat = parse_id(chat_id)
    typed = (await form_fields(request)).get("usernames", "")
    try:
        ids = await named_accounts(rt, typed)
        await add_members(rt.db, user.account_id, chat, ids)
    except Invalid as error:
        return await _info_page(request, rt, user, chat, problem(error))
    return _back(request, f"/messages/{chat}/info?done=added")


@router.post("/members/{account_id}/remove", response_model=None)
async def remove(
    request: Request,
    chat_id: str,
    account_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    chat = parse_id(chat_id)
    await remove_member(rt.db, user.account_id, chat, parse_id(account_id))
    return _back(request, f"/messages/{chat}/info?done=removed")


@router.post("/members/{account_id}/role", response_model=None)
async def role(
    request: Request,
    chat_id: str,
    account_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    """``role`` = ``admin`` or ``member``."""
    chat = parse_id(chat_id)
    wanted = (await form_fields(request)).get("role", "")
    await set_role(rt.db, user.account_id, chat, parse_id(account_id), wanted)
    return _back(request, f"/messages/{chat}/info?done=role")
