"""Processing a delivered activity: each one becomes the action a local click makes.

``process`` runs in the ``federation.inbound`` job, after the inbox checked
the signature and that the signer is the activity's ``actor``. It looks the
type up in ``HANDLERS`` and calls the handler with an :class:`Inbound`.
Handlers call the same actions the API calls (``weft.actions.graph``,
``interactions``, ``posts``, ``remote_accounts``);
the publish hooks in those actions only publish for local actors, so
nothing we receive is echoed back out.

An activity the actions refuse (a like of a post its sender may not see, a
follow of someone who blocks them) is dropped and logged; one whose object
cannot be fetched raises, so the job retries it later.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update

from weft.config import Settings
from weft.db.database import Database
from weft.errors import Forbidden, Invalid, NotFound
from weft.federation import jsonld
from weft.federation.inbox import actors, featured, follows, posts, quotes
from weft.federation.inbox.context import Handler, Inbound
from weft.federation.remote import RemoteError, Unreachable
from weft.models import Account, InboundActivity
from weft.models.base import utcnow

log = logging.getLogger("weft.federation.inbox")

HANDLERS: dict[str, Handler] = {
    "Follow": follows.on_follow,
    "Accept": quotes.on_accept,  # of our QuoteRequest, else follows.on_accept
    "Reject": quotes.on_reject,  # of our QuoteRequest, else follows.on_reject
    "Block": follows.on_block,
    "Undo": follows.on_undo,
    "Create": posts.on_create,
    "Update": posts.on_update,
    "Delete": quotes.on_delete,  # of a QuoteAuthorization, else posts.on_delete
    "Like": posts.on_like,
    "Announce": posts.on_announce,
    "Move": actors.on_move,
    "Flag": actors.on_flag,
    "Add": featured.on_add,
    "Remove": featured.on_remove,
    "QuoteRequest": quotes.on_quote_request,
}


async def process(db: Database, settings: Settings, payload: dict[str, Any]) -> str:
    """Apply one received activity; returns what became of it (for logs and tests)."""
    activity: dict[str, Any] = payload["activity"]
    async with db.read() as session:
        actor = await session.get(Account, int(payload["signer_id"]))
    if actor is None or actor.suspended_at is not None:
        outcome = "dropped: the actor is gone"
    else:
        outcome = await _dispatch(Inbound(db, settings, activity, actor))
    async with db.write() as session:
        await session.execute(
            update(InboundActivity)
            .where(InboundActivity.uri == activity["id"])
            .values(processed_at=utcnow())
        )
    log.info("inbound %s %s: %s", activity.get("type"), activity.get("id"), outcome)
    return outcome


async def _dispatch(inbound: Inbound) -> str:
    kinds = jsonld.types(inbound.activity)
    handler = next((HANDLERS[k] for k in sorted(kinds) if k in HANDLERS), None)
    if handler is None:
        return f"ignored: {', '.join(sorted(kinds)) or 'no type'} is not handled"
    try:
        return await handler(inbound)
    except Unreachable:
        raise  # the job tries again later
    except (NotFound, Forbidden, Invalid, RemoteError) as refused:
        return f"refused: {refused.message}"
