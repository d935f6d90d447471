"""Relationship and MutedAccount entities."""

from __future__ import annotations

from typing import Any

from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.accounts import iso
from weft.config import Settings
from weft.queries.graph import Listed, Relationship


def relationship(r: Relationship) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "following": r.following,
        "showing_reblogs": r.showing_reblogs,
        "notifying": r.notifying,
        "languages": None,
        "followed_by": r.followed_by,
        "blocking": r.blocking,
        "blocked_by": r.blocked_by,
        "muting": r.muting,
        "muting_notifications": r.muting_notifications,
        "muting_expires_at": iso(r.muting_expires_at),
        "requested": r.requested,
        "requested_by": r.requested_by,
        "domain_blocking": False,
        "endorsed": False,
        "note": r.note,
        "restricting": r.restricting,
    }


def accounts(listed: list[Listed], settings: Settings) -> list[dict[str, Any]]:
    return [account_entity(item.account, settings) for item in listed]


def muted_accounts(listed: list[Listed], settings: Settings) -> list[dict[str, Any]]:
    """Accounts with ``mute_expires_at`` (Mastodon's MutedAccount)."""
    return [
        {**account_entity(item.account, settings), "mute_expires_at": iso(item.mute_expires_at)}
        for item in listed
    ]
