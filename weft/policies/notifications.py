"""Whose notifications a person sees.

A sender is hidden when blocked either way or muted, and, as Mastodon's
"silence", when its server is under a **limit** domain block and the person
does not follow it: strangers on a limited server cannot reach anyone's
notifications, while people one chose to follow still can.

A notification policy (``policy_verdict``) sorts what is made: accepted,
kept aside under a notification request, or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from weft.policies.statuses import NONE, Relation


def sender_hidden(relation: Relation | None, *, limited_server: bool) -> bool:
    """Whether notifications from an account (with this relation) are hidden."""
    relation = relation or NONE
    if relation.blocked_either_way or relation.muting:
        return True
    return limited_server and not relation.following


# --- notification filtering (Mastodon 4.3+: /api/v2/notifications/policy) ---------

# The types a notification policy may keep aside or drop (Mastodon's
# ``filterable``): polls ending, a reply approved and moderators' notices are
# answers to one's own doing, never filtered.
FILTERABLE_TYPES = frozenset(
    {"mention", "status", "reblog", "follow", "follow_request", "favourite", "update", "quote"}
)
NEW_ACCOUNT_DAYS = 30
# A follower of fewer days than this still counts as "not a follower" (Mastodon's rule).
FOLLOWER_GRACE_DAYS = 3
STRICTNESS = {"accept": 0, "filter": 1, "drop": 2}


@dataclass(frozen=True)
class PolicyRules:
    """A person's choices, each ``accept``, ``filter`` or ``drop``."""

    for_not_following: str = "accept"
    for_not_followers: str = "accept"
    for_new_accounts: str = "accept"
    for_private_mentions: str = "filter"
    for_limited_accounts: str = "filter"


DEFAULT_POLICY = PolicyRules()


@dataclass(frozen=True)
class SenderFacts:
    """How the sender of one notification stands with its recipient."""

    following: bool  # the recipient follows the sender
    follower_since: datetime | None  # since when the sender follows the recipient
    created_at: datetime  # the sender's account
    private_mention: bool  # a direct post naming the recipient, not answering them
    limited: bool  # on a server under a "limit" domain block
    accepted: bool  # the recipient accepted a request from the sender


def policy_verdict(rules: PolicyRules, type: str, facts: SenderFacts, now: datetime) -> str:
    """``accept``, ``filter`` (kept aside under a request) or ``drop``: the
    strictest of the rules that apply to this sender."""
    if type not in FILTERABLE_TYPES or facts.accepted:
        return "accept"
    applying = []
    if not facts.following:
        applying.append(rules.for_not_following)
        if facts.private_mention:
            applying.append(rules.for_private_mentions)
    old_follower = facts.follower_since is not None and (
        now - facts.follower_since >= timedelta(days=FOLLOWER_GRACE_DAYS)
    )
    if not old_follower:
        applying.append(rules.for_not_followers)
    if now - facts.created_at < timedelta(days=NEW_ACCOUNT_DAYS):
        applying.append(rules.for_new_accounts)
    if facts.limited and not facts.following:
        applying.append(rules.for_limited_accounts)
    return max(applying, key=STRICTNESS.__getitem__, default="accept")
