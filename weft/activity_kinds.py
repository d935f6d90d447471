"""The kinds of activity Weft sends to other servers.

An action announces a change with ``weft.actions.outbox.publish(session,
ActivityKind.LIKE, ...)``; the outbox captures what the change is about and
``weft.federation.outgoing`` renders the activity. Both keep one entry per
kind, checked when they are imported.

To add a kind: a member here, what it captures in ``weft/actions/outbox.py``,
how it is rendered in ``weft/federation/outgoing.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ActivityKind(StrEnum):
    """The ids each kind is published with are in parentheses."""

    CREATE = "create"  # (status_id)
    UPDATE = "update"  # (status_id)
    DELETE = "delete"  # (status_id)
    LIKE = "like"  # (status_id)
    UNDO_LIKE = "undo_like"  # (status_id)
    ANNOUNCE = "announce"  # (status_id of the repost)
    UNDO_ANNOUNCE = "undo_announce"  # (status_id of the repost)
    FOLLOW = "follow"  # (target_id)
    UNDO_FOLLOW = "undo_follow"  # (target_id)
    ACCEPT = "accept"  # (follower_id)
    REJECT = "reject"  # (follower_id)
    BLOCK = "block"  # (target_id)
    UNDO_BLOCK = "undo_block"  # (target_id)
    UPDATE_PERSON = "update_person"  # ()
    # FEP-044f: our quote of another server's post, and theirs of ours.
    QUOTE_REQUEST = "quote_request"  # (status_id of our quote)
    UPDATE_QUOTE = "update_quote"  # (status_id of our quote, once answered or revoked)
    ACCEPT_QUOTE = "accept_quote"  # (status_id of their quote)
    REJECT_QUOTE = "reject_quote"  # (status_id of their quote)
    REVOKE_QUOTE = "revoke_quote"  # (status_id of their quote)
    # Polls: our vote on another server's poll (one per option chosen, as
    # Mastodon), and the results of ours (an Update of the Question).
    VOTE = "vote"  # (vote_id)
    UPDATE_POLL = "update_poll"  # (status_id of the poll's post)
    # Chats (docs/decisions/0034): a message of a one-to-one chat with someone
    # on another server, as Mastodon's direct Note to them.
    MESSAGE = "message"  # (message_id)
    UPDATE_MESSAGE = "update_message"  # (message_id)
    DELETE_MESSAGE = "delete_message"  # (message_id, before the row goes)


def check_covered(table: Mapping[ActivityKind, object], where: str) -> None:
    """Fail at import unless ``table`` has an entry for every kind."""
    missing = sorted(set(ActivityKind) - table.keys())
    if missing:
        raise RuntimeError(f"{where} has no entry for activity kinds {', '.join(missing)}")
