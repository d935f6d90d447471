"""Chats as Mastodon sees them (docs/api.md, "Conversations"): a message as a
direct Status, a one-to-one chat as a Conversation.

A message's Status has the message's id (the web app's and the Mastodon
door's ids agree), ``visibility: direct``, the chat's other members as its
``mentions``, and ``in_reply_to_id`` the message it answers; a message
counts no replies, reposts nor likes, and is never a quote.
"""

from __future__ import annotations

from typing import Any

from weft.api.serializers.accounts import account, iso
from weft.api.serializers.media import media_entity
from weft.config import Settings
from weft.models import Account, ChatMessage
from weft.queries.chats import ChatView
from weft.queries.conversations import DirectPage

_NO_QUOTES = {"automatic": [], "manual": [], "current_user": "denied"}


def _mention(person: Account, settings: Settings) -> dict[str, str]:
    return {
        "id": str(person.id),
        "username": person.username,
        "acct": person.acct,
        "url": person.url or f"{settings.base_url}/@{person.username}",
    }


def message_uri(message: ChatMessage, author: Account, settings: Settings) -> str:
    """A remote Note's id, or ours (the shape weft/federation/messages.py sends)."""
    if message.uri is not None:
        return message.uri
    actor = author.uri or f"{settings.base_url}/users/{author.username}"
    return f"{actor}/messages/{message.id}"


def message_status(message: ChatMessage, direct: DirectPage, settings: Settings) -> dict[str, Any]:
    page = direct.page
    author = page.accounts[message.account_id]
    others = [p for p in direct.people.get(message.chat_id, []) if p.id != message.account_id]
    reply_to = direct.replied.get(message.reply_to_id or 0)
    reactions = page.reactions.get(message.id, [])
    return {
        "id": str(message.id),
        "uri": message_uri(message, author, settings),
        "url": None,
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "content": message.content,
        "visibility": "direct",
        "sensitive": False,
        "spoiler_text": "",
        "language": None,
        "in_reply_to_id": str(message.reply_to_id) if reply_to is not None else None,
        "in_reply_to_account_id": str(reply_to) if reply_to is not None else None,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": sum(count for _, count, _ in reactions),
        "quotes_count": 0,
        "media_attachments": [media_entity(m, settings) for m in page.media.get(message.id, [])],
        "mentions": [_mention(p, settings) for p in others],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
        "filtered": [],
        "account": account(author, settings),
        "reblog": None,
        "quote": None,
        "quote_approval": _NO_QUOTES,
        "application": None,
        "favourited": any(me for _, _, me in reactions),
        "reblogged": False,
        "bookmarked": False,
        "pinned": False,
        "muted": False,
        "is_ghost_post": False,
        "ghost_post_expires_at": None,
        "text_entities": [],
        "is_spoiler_media": False,
        "reply_policy": "mentioned",
        "reply_control": "mentioned_only",
        "enable_reply_approvals": False,
        "reply_approval_status": None,
        "archived": False,
        "text_attachment": None,
        "topic_tag": None,
    }


def message_statuses(direct: DirectPage, settings: Settings) -> list[dict[str, Any]]:
    return [message_status(m, direct, settings) for m in direct.page.messages]


def conversation_entity(
    view: ChatView, settings: Settings, replied: dict[int, int] | None = None
) -> dict[str, Any]:
    """``replied``: the authors of the messages answered (``views_replied``)."""
    me = view.mine.account_id
    last = None
    if view.last is not None:
        message = view.last.messages[0]
        direct = DirectPage(
            view.last,
            {view.chat.id: [view.accounts[m.account_id] for m in view.members]},
            replied or {},
        )
        last = message_status(message, direct, settings)
    return {
        "id": str(view.chat.id),
        "unread": view.unread > 0,
        "accounts": [
            account(view.accounts[m.account_id], settings)
            for m in view.members
            if m.account_id != me and m.account_id in view.accounts
        ],
        "last_status": last,
    }
