"""Who may mention whom: a person's ``mention_policy`` (Settings, Privacy;
``source[mention_policy]`` in Mastodon's update_credentials).

A mention the policy refuses is neither linked nor notified: the name stays
plain text in the post, and no Mention row is written (so it also grants no
sight of a limited post). Asked for local and remote posts alike by
weft/actions/posts/bookkeeping.mentionable.
"""

from __future__ import annotations

MENTION_POLICIES = ("everyone", "following", "followers")


def may_mention(policy: str, *, follows_author: bool, followed_by_author: bool) -> bool:
    """``following``: people the mentioned person follows; ``followers``: their followers."""
    if policy == "following":
        return follows_author
    if policy == "followers":
        return followed_by_author
    return True
