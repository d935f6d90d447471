"""Direct Notes that are chat messages (docs/federation.md, "Chats").

A ``Note`` addressed to one of our people alone (no public, no followers,
no one else in ``to``/``cc`` or its mentions), starting a conversation or
answering a message, is a message in their one-to-one chat with its author
(``weft.actions.chats.direct``). Anything else (a direct Note to several
people, a direct reply to a post) stays a post, as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from weft.actions.chats.direct import (
    RemoteMessage,
    delete_remote_message,
    is_remote_message,
    receive_direct,
    update_remote_message,
)
from weft.federation import jsonld
from weft.federation.inbox.context import Inbound
from weft.federation.messages import our_message_id
from weft.federation.remote_notes import visibility_of
from weft.models import ChatMessage
from weft.text.remote import plain_text, sanitize_remote


def _text(document: dict[str, Any]) -> str:
    content = document.get("content")
    text = plain_text(sanitize_remote(content)) if isinstance(content, str) else ""
    links = []
    for item in jsonld.objects(document.get("attachment")):
        url = item.get("url")
        url = url if isinstance(url, str) else jsonld.first_id(url)
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            links.append(url)
    return "\n".join([text.strip(), *links]).strip()


async def _replied(inbound: Inbound, uri: str | None) -> tuple[bool, int | None]:
    """Whether the Note may be a message (it answers nothing, or a message),
    and the message it answers."""
    if uri is None:
        return True, None
    ours = our_message_id(uri, inbound.settings)
    async with inbound.db.read() as session:
        if ours is not None:
            found = await session.scalar(select(ChatMessage.id).where(ChatMessage.id == ours))
        else:
            found = await session.scalar(select(ChatMessage.id).where(ChatMessage.uri == uri))
    return found is not None, found


async def as_message(inbound: Inbound, document: dict[str, Any]) -> str | None:
    """What became of ``document`` as a message, or None when it is not one."""
    if visibility_of(document, inbound.actor) != "direct":
        return None
    recipients = set(jsonld.ids(document.get("to")) + jsonld.ids(document.get("cc")))
    mentioned = {
        str(tag["href"])
        for tag in jsonld.objects(document.get("tag"))
        if "Mention" in jsonld.types(tag) and isinstance(tag.get("href"), str)
    }
    if len(recipients) != 1 or not mentioned <= recipients:
        return None
    recipient = await inbound.local_account(next(iter(recipients)))
    if recipient is None:
        return None
    possible, reply_to = await _replied(inbound, jsonld.first_id(document.get("inReplyTo")))
    if not possible:
        return None
    published = document.get("published")
    created_at = None
    if isinstance(published, str):
        try:
            created_at = datetime.fromisoformat(published.replace("Z", "+00:00"))
        except ValueError:
            created_at = None
    note = RemoteMessage(
        uri=str(document["id"]),
        sender_id=inbound.actor.id,
        recipient_id=recipient.id,
        text=_text(document),
        reply_to_id=reply_to,
        created_at=created_at,
    )
    return await receive_direct(inbound.db, inbound.settings, note)


async def as_message_update(inbound: Inbound, document: dict[str, Any]) -> str | None:
    uri = jsonld.first_id(document)
    if uri is None or not await is_remote_message(inbound.db, inbound.actor.id, uri):
        return None
    changed = await update_remote_message(
        inbound.db, inbound.settings, inbound.actor.id, uri, _text(document)
    )
    return "updated message" if changed else "ignored: an empty message"


async def as_message_delete(inbound: Inbound, uri: str) -> str | None:
    if await delete_remote_message(inbound.db, inbound.actor.id, uri):
        return "deleted message"
    return None
