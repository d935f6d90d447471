"""One event as one viewer may see it: the same reads, policies and
serializers as the REST API, or nothing.

- ``update`` / ``status.update``: the post as the home, public and tag
  timelines show it (``visible_page`` with mutes hidden: visibility, blocks
  either way, mutes; a person's ``user`` and ``weft:thread`` streams read it
  as the home timeline reads a page, ``post_rows``); on the public and
  hashtag streams, also not from a server under a domain block (``limit``:
  unless the viewer follows them).
- ``notification``: as ``GET /api/v1/notifications/:id`` shows it.
- ``delete``: the id, unless the viewer and the author block each other.
- ``chat.message``, ``chat.update``, ``chat.request``: to members only
  (weft/api/streaming/chats.py); ``conversation``: a one-to-one chat as
  Mastodon's Conversation, on the ``direct`` stream.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select

from weft.api.serializers.filters import filtering_for, result_entities
from weft.api.serializers.home import home_entities
from weft.api.serializers.notifications import notification_entity
from weft.api.serializers.statuses import status_entities
from weft.api.streaming.chats import NAMES as CHAT_EVENTS
from weft.api.streaming.chats import render_chat_event, render_conversation
from weft.api.streaming.hub import Viewer
from weft.api.streaming.shared import SharedReads
from weft.api.streaming.streams import (
    PERSONAL,
    READ_NOTIFICATIONS,
    READ_STATUSES,
    THREAD,
    Stream,
)
from weft.errors import NotFound
from weft.events import (
    CONVERSATION,
    DELETE,
    FILTERS_CHANGED,
    NOTIFICATION,
    STATUS_UPDATE,
    UPDATE,
    Event,
)
from weft.models import Account, Block
from weft.policies.filters import hides
from weft.policies.scopes import covers_any
from weft.queries import notifications as notification_queries
from weft.queries.domain_blocks import block_severity
from weft.queries.timelines import visible_page
from weft.runtime import Runtime


async def render(
    rt: Runtime, viewer: Viewer, stream: Stream, event: Event, shared: SharedReads | None = None
) -> str | None:
    """The payload of ``event`` for ``viewer`` on ``stream`` (an entity's JSON,
    or a deleted post's id), or None when the viewer may not have it."""
    if event.name == FILTERS_CHANGED:  # Mastodon's: no payload, to the person alone
        # "undefined": what Mastodon writes for the missing payload (its SSE data).
        return "undefined" if viewer.account_id == event.account_id is not None else None
    if event.name == NOTIFICATION:
        if not covers_any(viewer.scopes, READ_NOTIFICATIONS) and viewer.token_id is not None:
            return None
        found = await _notification(rt, viewer, event)
        return await _filtered(rt, viewer, "notifications", found, "status")
    if viewer.token_id is not None and not covers_any(viewer.scopes, READ_STATUSES):
        return None
    if event.name in (UPDATE, STATUS_UPDATE):
        found = await _status(rt, viewer, stream, event, shared or SharedReads())
        return await _filtered(rt, viewer, _CONTEXTS.get(stream.name[0], "public"), found)
    if event.name == DELETE:
        return await _deleted(rt, viewer, event)
    if event.name in CHAT_EVENTS:
        return await render_chat_event(rt, viewer, stream, event)
    if event.name == CONVERSATION and stream.name[0] == "direct":
        return await render_conversation(rt, viewer, event)
    return None


async def _status(
    rt: Runtime, viewer: Viewer, stream: Stream, event: Event, shared: SharedReads
) -> str | None:
    if event.status_id is None:
        return None
    if viewer.account_id is not None and stream.name[0] in PERSONAL:
        rows = await shared.rows(rt.db, rt.settings, event.status_id, viewer.account_id)
        if not rows.shown:
            return None

        async def made() -> str:
            return _json((await home_entities(rt.db, rows, rt.settings))[0])

        return await shared.payload(rows, made)
    async with rt.db.read() as session:
        page = await visible_page(session, viewer.account_id, [event.status_id], hide_muted=True)
        if not page.statuses:
            return None
        status = page.statuses[0]
        if stream.name[0] not in ("user", "direct"):
            author = await session.get(Account, status.account_id)
            if author is not None and author.domain is not None:
                severity = await block_severity(rt.db, author.domain)
                following = page.bundle.access[status.id].author.following
                if severity == "suspend" or (severity == "limit" and not following):
                    return None
    return _json(status_entities(page.statuses, page.bundle, rt.settings)[0])


async def _notification(rt: Runtime, viewer: Viewer, event: Event) -> str | None:
    if event.notification_id is None or viewer.account_id is None:
        return None
    try:
        page = await notification_queries.notification(
            rt.db, viewer.account_id, event.notification_id
        )
    except NotFound:
        return None
    return _json(notification_entity(page.notifications[0], page, rt.settings))


async def _deleted(rt: Runtime, viewer: Viewer, event: Event) -> str | None:
    if event.status_id is None:
        return None
    if viewer.account_id is not None and event.account_id is not None:
        me, author = viewer.account_id, event.account_id
        async with rt.db.read() as session:
            blocked = await session.scalar(
                select(Block.id).where(
                    ((Block.account_id == me) & (Block.target_account_id == author))
                    | ((Block.account_id == author) & (Block.target_account_id == me))
                )
            )
        if blocked is not None:
            return None
    return str(event.status_id)


# The filter context of each stream's posts (weft/policies/filters.py).
_CONTEXTS = {"user": "home", "list": "home", "direct": "home", THREAD: "thread"}


async def _filtered(
    rt: Runtime, viewer: Viewer, context: str, payload: str | None, inner: str | None = None
) -> str | None:
    """The payload as the viewer's filters leave it: None when one hides the
    post, ``filtered`` filled when one warns. The payload is read again only
    for a viewer who has filters (the shipped list counts); ``inner`` names
    the post's key in a notification."""
    if not payload or viewer.account_id is None:
        return payload
    filtering = await filtering_for(rt.db, viewer.account_id, context)
    if filtering is None or filtering.filters is None:
        return payload
    entity = orjson.loads(payload)
    status = entity.get(inner) if inner else entity
    if not status:
        return payload
    matches = filtering.entity_matches(status)
    if not matches:
        return payload
    if hides(matches):
        return None
    status["filtered"] = result_entities(matches)
    if status.get("reblog"):
        status["reblog"]["filtered"] = status["filtered"]
    return _json(entity)


def _json(entity: dict[str, Any]) -> str:
    return orjson.dumps(entity).decode()
