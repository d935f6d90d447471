"""Mastodon's Poll entity.

A post's cached core (weft/api/serializers/statuses.py) holds its poll as
every viewer sees it (``poll_core``), tallies included; what depends on the
moment and the viewer is added at each rendering (``poll_for_viewer``):
whether it has ended, the tallies hidden until then when the author asked,
and the viewer's own votes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from weft.api.serializers.accounts import iso
from weft.models import Poll
from weft.models.base import utcnow


def poll_core(poll: Poll | None) -> dict[str, Any] | None:
    if poll is None:
        return None
    return {
        "id": str(poll.id),
        "expires_at": iso(poll.expires_at),
        "expired": False,  # decided when rendered
        "multiple": poll.multiple,
        "votes_count": poll.votes_count,
        # As Mastodon: how many people voted only matters when each may choose several.
        "voters_count": poll.voters_count if poll.multiple else None,
        "options": [
            {"title": title, "votes_count": int(count)}
            for title, count in zip(poll.options, poll.tallies, strict=False)
        ],
        "emojis": [],
        "hide_totals": poll.hide_totals,
    }


def poll_for_viewer(
    core: dict[str, Any], viewer_id: int | None, author_id: int, own: list[int] | None
) -> dict[str, Any]:
    """The entity for this viewer, now (``own``: their choices, if they voted)."""
    entity = dict(core)
    hide = entity.pop("hide_totals", False)
    ends = entity["expires_at"]
    entity["expired"] = ends is not None and datetime.fromisoformat(ends) <= utcnow()
    if hide and not entity["expired"]:
        entity["options"] = [{"title": o["title"], "votes_count": None} for o in entity["options"]]
    if viewer_id is not None:
        # As Mastodon: the author counts as having voted (they cannot vote).
        entity["voted"] = own is not None or viewer_id == author_id
        entity["own_votes"] = own or []
    return entity
