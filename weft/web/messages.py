"""Messages (issue 17; docs/decisions/0034-chats.md): the chat list by folder,
a chat, its composer, a new chat. Every form calls the action the API calls
(weft/actions/chats/) and renders the API's entities
(weft/api/serializers/chats.py); what a chat's menu and its info page change
is in ``chat_forms.py``.

- ``GET /messages`` (``?folder=requests`` / ``spam``): the chats, newest
  activity first, with unread counts;
- ``GET /messages/unread``: ``{"count": n}``, the rail's badge (static/live.js);
- ``GET`` / ``POST /messages/new``: pick people (one: the one-to-one chat;
  more, or a name: a group);
- ``POST /messages/with/{account_id}``: a profile's Message button;
- ``GET /messages/{chat_id}``: the chat (``?reply_to=``, ``?edit=``,
  ``?max_id=`` for older messages); reading it moves my read position;
- ``POST /messages/{chat_id}``: send ``text``, ``media`` files, ``reply_to_id``.

Everything works as plain forms; static/live.js refreshes what changed when
an event arrives, and static/messages.js sends without leaving the page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from weft.actions.chats import messages as message_actions
from weft.actions.chats.messages import NewMessage
from weft.actions.chats.start import start_chat
from weft.actions.chats.state import mark_read
from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.chats import (
    chat_entity,
    message_entities,
    message_entity,
    new_message_renderer,
)
from weft.db.paging import Page
from weft.errors import Invalid, NotFound
from weft.models import User
from weft.policies.chats import EDIT_WINDOW, MAX_CHARS, MAX_MEDIA
from weft.queries import graph as graph_queries
from weft.queries.accounts import lookup_account, parse_id
from weft.queries.chats import (
    chat_list,
    chat_message,
    chat_messages,
    chat_view,
    check_folder,
    unread_chats,
)
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.compose_form import Attachment
from weft.web.compose_media import MediaProblem, discard, upload_files
from weft.web.errors import wants_json
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter(prefix="/messages")

LIST_SIZE = 40
PAGE_SIZE = 40
PICK_LIMIT = 80
FOLDERS = (("inbox", "Chats"), ("requests", "Requests"), ("spam", "Spam"))
REACTIONS = ("❤️", "😂", "😮", "😢", "👍", "🔥")
LABELS = {
    "text": "Message",
    "media_ids": "Photos and videos",
    "reply_to_id": "Reply",
    "account_ids": "People",
    "name": "Group name",
    "chat_id": "This chat",
    "message_id": "This message",
    "emoji": "Reaction",
}


def problem(error: Invalid) -> str:
    """The action's refusal as a sentence under the form: ``Message can't be blank``."""
    label = LABELS.get(error.field, error.field.replace("_", " ").capitalize())
    return f"{label} {error.description}"


def name_of(person: dict[str, Any]) -> str:
    return str(person.get("display_name") or person.get("username") or "")


def chat_title(chat: dict[str, Any], me: int) -> str:
    """A group's name, or the other people's names (``Ana``; ``Ana, Bo and Cy``)."""
    if chat["name"]:
        return str(chat["name"])
    others = [name_of(p) for p in chat["members"] if p["id"] != str(me)]
    if not others:
        return "Just you"
    if len(others) == 1:
        return others[0]
    return ", ".join(others[:-1]) + " and " + others[-1]


def others_of(chat: dict[str, Any], me: int) -> list[dict[str, Any]]:
    return [p for p in chat["members"] if p["id"] != str(me)]


def chat_row(chat: dict[str, Any], me: int) -> dict[str, Any]:
    """What the list shows of a chat: its title, a face, the last message."""
    others = others_of(chat, me)
    last = chat["last_message"]
    if last is None:
        excerpt = "No messages yet"
    else:
        said = last["text"] or ("Sent a photo or video" if last["media_attachments"] else "")
        who = "You" if last["account"] and last["account"]["id"] == str(me) else None
        if who is None and chat["group"] and last["account"]:
            who = name_of(last["account"])
        excerpt = f"{who}: {said}" if who else said
    return {
        "chat": chat,
        "title": chat_title(chat, me),
        "faces": others[:2],
        "excerpt": excerpt,
        "when": (last or chat)["created_at"],
    }


# --- the list ----------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def index(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    folder = check_folder(request.query_params.get("folder") or None)
    me = user.account_id
    async with rt.db.read() as session:
        views = await chat_list(session, me, folder, Page(limit=LIST_SIZE))
        waiting = (
            0
            if folder == "requests"
            else len(await chat_list(session, me, "requests", Page(limit=LIST_SIZE)))
        )
    rows = [chat_row(chat_entity(v, rt.settings), me) for v in views]
    if folder == "requests":
        waiting = len(rows)
    context = {"folder": folder, "folders": FOLDERS, "rows": rows, "waiting": waiting}
    return await render(request, "messages/index.html", context)


@router.get("/unread")
async def unread(
    user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> JSONResponse:
    async with rt.db.read() as session:
        count = await unread_chats(session, user.account_id)
    return JSONResponse({"count": count}, headers={"Cache-Control": "no-store"})


# --- a new chat --------------------------------------------------------------------------


async def _new_page(
    request: Request,
    rt: Runtime,
    user: User,
    chosen: set[str],
    typed: str = "",
    name: str = "",
    error: str | None = None,
) -> HTMLResponse:
    followed = await graph_queries.following(
        rt.db, user.account_id, user.account_id, Page(limit=PICK_LIMIT)
    )
    people = [account_entity(listed.account, rt.settings) for listed in followed]
    context = {
        "people": people,
        "chosen": chosen,
        "typed": typed,
        "name": name,
        "error": error,
    }
    return await render(request, "messages/new.html", context, 422 if error else 200)


@router.get("/new", response_class=HTMLResponse)
async def new_form(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    typed = request.query_params.get("to", "")
    return await _new_page(request, rt, user, set(), typed)


async def named_accounts(rt: Runtime, typed: str) -> list[int]:
    """The accounts typed as ``@user``, ``user@server``, separated by commas or spaces."""
    ids = []
    for word in typed.replace(",", " ").split():
        try:
            ids.append((await lookup_account(rt.db, word, rt.settings.domain)).id)
        except NotFound:
            raise Invalid("account_ids", f"@{word.lstrip('@')} is not an account here") from None
    return ids


@router.post("/new", response_model=None)
async def new_chat(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    form = await request.form()
    fields = await form_fields(request)
    chosen = {str(v) for v in form.getlist("account_ids") if isinstance(v, str)}
    typed, name = fields.get("usernames", ""), fields.get("name", "")
    try:
        ids = [parse_id(i) for i in chosen if i.isdigit()] + await named_accounts(rt, typed)
        chat = await start_chat(rt.db, user.account_id, ids, name or None)
    except Invalid as error:
        return await _new_page(request, rt, user, chosen, typed, name, problem(error))
    return RedirectResponse(f"/messages/{chat.id}", status_code=303)


@router.post("/with/{account_id}", response_model=None)
async def message_person(
    account_id: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    """A profile's Message button: the one-to-one chat, made if need be."""
    chat = await start_chat(rt.db, user.account_id, [parse_id(account_id)])
    return RedirectResponse(f"/messages/{chat.id}", status_code=303)


# --- a chat ------------------------------------------------------------------------------


def _editable(message: dict[str, Any], me: int, now: datetime) -> bool:
    if not message["account"] or message["account"]["id"] != str(me):
        return False
    sent = datetime.fromisoformat(message["created_at"].replace("Z", "+00:00"))
    return now - sent <= EDIT_WINDOW


async def chat_context(request: Request, rt: Runtime, user: User, chat_id: int) -> dict[str, Any]:
    """Everything ``messages/chat.html`` draws: the chat, a page of messages
    (oldest first), the messages they reply to, what is editable, and "Seen"."""
    me = user.account_id
    raw_max = request.query_params.get("max_id", "")
    max_id = parse_id(raw_max) if raw_max else None
    async with rt.db.read() as session:
        view = await chat_view(session, me, chat_id)
        page = await chat_messages(session, me, chat_id, Page(max_id=max_id, limit=PAGE_SIZE))
        messages = list(reversed(message_entities(page, rt.settings)))
        shown = {m["id"]: m for m in messages}
        quoted: dict[str, dict[str, Any]] = {}
        for wanted in {m["reply_to_id"] for m in messages if m["reply_to_id"]}:
            if wanted in shown:
                quoted[wanted] = shown[wanted]
                continue
            try:
                one = await chat_message(session, me, chat_id, int(wanted))
            except NotFound:
                continue  # deleted, or outside my window
            quoted[wanted] = message_entity(one.messages[0], one, rt.settings)
    chat = chat_entity(view, rt.settings)
    now = datetime.now(UTC)
    return {
        "chat": chat,
        "title": chat_title(chat, me),
        "others": others_of(chat, me),
        "messages": messages,
        "quoted": quoted,
        "editable": {m["id"] for m in messages if _editable(m, me, now)},
        "seen_id": _seen(chat, messages, me),
        "older_url": (
            f"/messages/{chat_id}?max_id={messages[0]['id']}"
            if len(messages) == PAGE_SIZE
            else None
        ),
        "newest": max_id is None,
        "reactions": REACTIONS,
        "max_chars": MAX_CHARS,
        "max_media": MAX_MEDIA,
    }


def _seen(chat: dict[str, Any], messages: list[dict[str, Any]], me: int) -> str | None:
    """In a one-to-one chat, my newest message when the other person has read it."""
    if chat["group"] or not messages:
        return None
    newest = messages[-1]
    if not newest["account"] or newest["account"]["id"] != str(me):
        return None
    for person in others_of(chat, me):
        read = chat["read_positions"].get(person["id"])
        if read and int(read) >= int(newest["id"]):
            return str(newest["id"])
    return None


async def _chat_page(
    request: Request,
    rt: Runtime,
    user: User,
    chat_id: int,
    typed: str = "",
    error: str | None = None,
) -> HTMLResponse:
    context = await chat_context(request, rt, user, chat_id)
    replying = _wanted(request, "reply_to")
    editing = _wanted(request, "edit")
    context.update(
        typed=typed,
        error=error,
        replying=context["quoted"].get(replying) or _find(context["messages"], replying),
        editing=_find(context["messages"], editing) if editing in context["editable"] else None,
    )
    return await render(request, "messages/chat.html", context, 422 if error else 200)


def _wanted(request: Request, name: str) -> str:
    raw = request.query_params.get(name, "")
    return raw if raw.isascii() and raw.isdigit() else ""


def _find(messages: list[dict[str, Any]], message_id: str) -> dict[str, Any] | None:
    return next((m for m in messages if m["id"] == message_id), None) if message_id else None


@router.get("/{chat_id}", response_class=HTMLResponse)
async def show(
    request: Request,
    chat_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> HTMLResponse:
    """The chat; opening its newest page reads it (not a request: its sender
    learns nothing until it is accepted)."""
    found = parse_id(chat_id)
    async with rt.db.read() as session:
        view = await chat_view(session, user.account_id, found)
    newest = not request.query_params.get("max_id")
    if newest and view.mine.accepted and view.chat.last_message_id:
        await mark_read(rt.db, user.account_id, found, None)
    return await _chat_page(request, rt, user, found)


def _attachments(files: list[Any]) -> list[Attachment]:
    return [
        Attachment(file=f, description="")
        for f in files
        if isinstance(f, UploadFile) and f.filename
    ]


@router.post("/{chat_id}", response_model=None)
async def send(
    request: Request,
    chat_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    found = parse_id(chat_id)
    form = await request.form()
    fields = await form_fields(request)
    text = fields.get("text", "")
    reply = fields.get("reply_to_id", "")
    attachments = _attachments(form.getlist("media"))
    try:
        message_actions.check_new(text, len(attachments))  # before any file is stored
        media_ids = await upload_files(rt, user.account_id, attachments)
        new = NewMessage(
            text=text,
            media_ids=media_ids,
            reply_to_id=parse_id(reply) if reply.isdigit() else None,
        )
        try:
            render = new_message_renderer(rt.settings)
            me = user.account_id
            sent = await message_actions.send(rt.db, rt.settings, me, found, new, render)
            message = sent.message
        except BaseException:
            await discard(rt, user.account_id, media_ids)
            raise
    except MediaProblem as refused:
        message_text = f"Photos and videos: {refused.message}"
        return await _refused(request, rt, user, found, text, message_text)
    except Invalid as error:
        return await _refused(request, rt, user, found, text, problem(error))
    if wants_json(request):
        return JSONResponse({"id": str(message.id)})
    return RedirectResponse(f"/messages/{found}#message-{message.id}", status_code=303)


async def _refused(
    request: Request, rt: Runtime, user: User, chat_id: int, text: str, message: str
) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=422)
    return await _chat_page(request, rt, user, chat_id, text, message)
