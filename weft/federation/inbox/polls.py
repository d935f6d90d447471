"""Votes from other servers: a ``Create`` of a ``Note`` named after an option of
one of our polls, in reply to its post (as Mastodon sends them)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from weft.actions.polls import record_remote_vote
from weft.federation import jsonld
from weft.federation.inbox.context import Inbound
from weft.federation.questions import vote_name


async def as_vote(inbound: Inbound, document: dict[str, Any]) -> str | None:
    """What became of the vote ``document`` is; None if it is no vote on a
    poll of ours (then it is an ordinary post)."""
    name = vote_name(document)
    if name is None or not isinstance(document.get("id"), str):
        return None
    status = await inbound.status_by_uri(jsonld.first_id(document.get("inReplyTo")))
    if status is None:
        return None
    return await record_remote_vote(
        inbound.db,
        inbound.actor.id,
        status.id,
        name,
        str(document["id"]),
        results_after=timedelta(seconds=inbound.settings.poll_results_seconds),
    )
