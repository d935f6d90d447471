"""Chat messages as Mastodon's direct messages (docs/federation.md, "Chats").

A message of a one-to-one chat with someone on another server goes out as a
``Note`` addressed to them alone (``to`` them, ``cc`` no one), mentioning
them, ``inReplyTo`` the message it answers; its edits as ``Update``, its
deletion as ``Delete``. Our messages' ids are
``<actor>/messages/<message id>``: they are not served (a message appears on
no page but the chat's), and the inbox knows them again by that shape.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.config import Settings
from weft.federation.actors import CONTEXT, actor_uri, iso
from weft.federation.notes import _attachment
from weft.federation.remote import host_of
from weft.models import Account, ChatMessage, MediaAttachment

_OURS = re.compile(r"/users/[^/]+/messages/(\d+)$")


def message_uri(author: Account, message_id: int, settings: Settings) -> str:
    return f"{actor_uri(author, settings)}/messages/{message_id}"


def our_message_id(uri: str, settings: Settings) -> int | None:
    """The id of one of our messages named by its Note id, else None."""
    if host_of(uri) != settings.domain.lower():
        return None
    found = _OURS.search(uri)
    return int(found.group(1)) if found else None


def _mention_html(person: Account) -> str:
    href = escape(person.url or person.uri or "")
    return (
        f'<span class="h-card" translate="no"><a href="{href}" class="u-url mention">'
        f"@<span>{escape(person.username)}</span></a></span>"
    )


async def message_note(
    session: AsyncSession,
    settings: Settings,
    author: Account,
    message: ChatMessage,
    recipient: Account,
) -> dict[str, Any]:
    """The message as a direct Note to ``recipient`` (as Mastodon writes one)."""
    uri = message_uri(author, message.id, settings)
    in_reply_to = None
    if message.reply_to_id is not None:
        earlier = await session.get(ChatMessage, message.reply_to_id)
        if earlier is not None:
            earlier_author = await session.get(Account, earlier.account_id)
            if earlier.uri is not None:
                in_reply_to = earlier.uri
            elif earlier_author is not None:
                in_reply_to = message_uri(earlier_author, earlier.id, settings)
    media = list(
        await session.scalars(
            select(MediaAttachment)
            .where(MediaAttachment.chat_message_id == message.id)
            .order_by(MediaAttachment.position)
        )
    )
    recipient_uri = recipient.uri or ""
    content = f"<p>{_mention_html(recipient)}</p>{message.content}"
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": uri,
        "type": "Note",
        "attributedTo": actor_uri(author, settings),
        "to": [recipient_uri],
        "cc": [],
        "published": iso(message.created_at),
        "inReplyTo": in_reply_to,
        "summary": None,
        "sensitive": False,
        "content": content,
        "tag": [
            {
                "type": "Mention",
                "href": recipient_uri,
                "name": f"@{recipient.username}@{recipient.domain}",
            }
        ],
        "attachment": [_attachment(m, settings) for m in media],
        "directMessage": True,
    }
    if message.edited_at is not None:
        document["updated"] = iso(message.edited_at)
    return document
