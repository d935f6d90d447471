"""Weft's chat entities (docs/api.md, "Chats"): a Chat and a ChatMessage, for
the API and its streaming events (the web app renders the same dicts).
Their shapes are documented by weft/api/chats_schemas.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson

from weft.api.serializers.accounts import account, iso
from weft.api.serializers.media import media_entity
from weft.config import Settings
from weft.models import Account, ChatMessage, MediaAttachment
from weft.queries.chats import ChatView, MessagePage


def message_entity(message: ChatMessage, page: MessagePage, settings: Settings) -> dict[str, Any]:
    author = page.accounts.get(message.account_id)
    return {
        "id": str(message.id),
        "chat_id": str(message.chat_id),
        "account": account(author, settings) if author is not None else None,
        "text": message.text,
        "content": message.content,
        "media_attachments": [media_entity(m, settings) for m in page.media.get(message.id, [])],
        "reply_to_id": str(message.reply_to_id) if message.reply_to_id is not None else None,
        "reactions": [
            {"emoji": emoji, "count": count, "me": me}
            for emoji, count, me in page.reactions.get(message.id, [])
        ],
        "edited_at": iso(message.edited_at),
        "created_at": iso(message.created_at),
    }


def new_message_json(
    message: ChatMessage, author: Account, media: Sequence[MediaAttachment], settings: Settings
) -> str:
    """A message just sent, as every member sees it (it has no reactions
    yet): the ``chat.message`` event's payload and the answer to its sender
    (weft/actions/chats/messages.py, ``Render``)."""
    page = MessagePage([message], {author.id: author}, {message.id: list(media)})
    return orjson.dumps(message_entity(message, page, settings)).decode()


def new_message_renderer(
    settings: Settings,
) -> Callable[[ChatMessage, Account, Sequence[MediaAttachment]], str]:
    """``new_message_json`` for these settings: the ``render`` a door gives
    ``weft.actions.chats.messages.send``."""

    def render(message: ChatMessage, author: Account, media: Sequence[MediaAttachment]) -> str:
        return new_message_json(message, author, media, settings)

    return render


def message_entities(page: MessagePage, settings: Settings) -> list[dict[str, Any]]:
    return [message_entity(m, page, settings) for m in page.messages]


def chat_entity(view: ChatView, settings: Settings) -> dict[str, Any]:
    chat = view.chat
    last = view.last
    return {
        "id": str(chat.id),
        "name": chat.name,
        "group": chat.is_group,
        "members": [
            account(view.accounts[m.account_id], settings)
            for m in view.members
            if m.account_id in view.accounts
        ],
        "admins": [str(m.account_id) for m in view.members if m.role == "admin"],
        "created_by": str(chat.created_by_id) if chat.created_by_id is not None else None,
        "folder": view.mine.folder,
        "accepted": view.mine.accepted,
        "muted": view.mine.muted,
        "left": view.mine.left_at_id is not None,
        "unread_count": view.unread,
        "last_read_id": str(view.mine.last_read_id) if view.mine.last_read_id else None,
        "read_positions": {
            str(m.account_id): str(m.last_read_id) for m in view.members if m.last_read_id
        },
        "last_message": message_entity(last.messages[0], last, settings) if last else None,
        "created_at": iso(chat.created_at),
        "updated_at": iso(chat.updated_at),
    }
