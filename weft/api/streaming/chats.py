"""Chat events (``chat.message``, ``chat.update``, ``chat.request``) as one
viewer may see them: only a member of the chat, only a message in their
window, never one by someone they block (weft/policies/chats.py), rendered
by the REST serializers (weft/api/serializers/chats.py).

A ``chat.message`` sent through the API or the web app carries its entity
(``Event.payload``): a new message is the same for every member, and the
send path addressed the event only to the members who may read it (active,
past the request, not blocking the sender), so it is sent as it is, with no
read (benchmark f). Other events are read for their viewer here."""

from __future__ import annotations

from typing import Any

import orjson

from weft.api.serializers.chats import chat_entity, message_entity
from weft.api.serializers.conversations import conversation_entity
from weft.api.streaming.hub import Viewer
from weft.api.streaming.streams import Stream
from weft.errors import NotFound
from weft.events import CHAT_MESSAGE, CHAT_REQUEST, CHAT_UPDATE, Event, keys
from weft.queries.chats import chat_message, chat_view
from weft.queries.conversations import conversation, views_replied
from weft.runtime import Runtime

NAMES = frozenset({CHAT_MESSAGE, CHAT_UPDATE, CHAT_REQUEST})
DECLINED = "decline"  # a ``conversation`` event's change (weft/actions/chats/state.py)


async def render_chat_event(
    rt: Runtime, viewer: Viewer, stream: Stream, event: Event
) -> str | None:
    me = viewer.account_id
    if me is None or event.chat_id is None or stream.name[0] != "user":
        return None
    if event.name == CHAT_MESSAGE and event.payload is not None:
        # Rendered by the sender's door, the same for every member; its keys
        # are the members who may read it, judged in the send's transaction.
        return event.payload if keys.user(me) in event.keys else None
    try:
        async with rt.db.read() as session:
            if event.name == CHAT_MESSAGE:
                if event.message_id is None:
                    return None
                page = await chat_message(session, me, event.chat_id, event.message_id)
                return _json(message_entity(page.messages[0], page, rt.settings))
            view = await chat_view(session, me, event.chat_id)
            if event.name == CHAT_REQUEST:
                return _json(chat_entity(view, rt.settings))
            message = None
            if event.message_id is not None and event.change != "delete":
                page = await chat_message(session, me, event.chat_id, event.message_id)
                message = message_entity(page.messages[0], page, rt.settings)
    except NotFound:
        return None
    return _json(
        {
            "change": event.change,
            "chat": chat_entity(view, rt.settings),
            "message": message,
            "message_id": str(event.message_id) if event.message_id is not None else None,
        }
    )


async def render_conversation(rt: Runtime, viewer: Viewer, event: Event) -> str | None:
    """Mastodon's ``conversation`` event: the chat as a Conversation, to its
    member's ``direct`` stream (one-to-one chats only). After the member
    declined its request, the Conversation has no ``last_status``."""
    me = viewer.account_id
    if me is None or event.chat_id is None:
        return None
    try:
        async with rt.db.read() as session:
            view = await conversation(session, me, event.chat_id)
            replied = await views_replied(session, [view])
    except NotFound:
        return None
    if view.mine.folder == "spam" or (view.last is None and event.change != DECLINED):
        return None
    return _json(conversation_entity(view, rt.settings, replied))


def _json(entity: dict[str, Any]) -> str:
    return orjson.dumps(entity).decode()
