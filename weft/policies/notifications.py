"""Whose notifications a person sees.

A sender is hidden when blocked either way or muted, and, as Mastodon's
"silence", when its server is under a **limit** domain block and the person
does not follow it: strangers on a limited server cannot reach anyone's
notifications, while people one chose to follow still can.
"""

from __future__ import annotations

from weft.policies.statuses import NONE, Relation


def sender_hidden(relation: Relation | None, *, limited_server: bool) -> bool:
    """Whether notifications from an account (with this relation) are hidden."""
    relation = relation or NONE
    if relation.blocked_either_way or relation.muting:
        return True
    return limited_server and not relation.following
