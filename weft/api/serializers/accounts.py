"""Account and CredentialAccount entities."""

from __future__ import annotations

from typing import Any

from weft.config import Settings
from weft.formatting import linkify, paragraphs
from weft.models import Account, User

MISSING_AVATAR = "/static/avatars/original/missing.png"
MISSING_HEADER = "/static/headers/original/missing.png"


def iso(value: Any) -> str | None:
    if value is None:
        return None
    text: str = value.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def emoji_entities(emojis: list[Any]) -> list[dict[str, Any]]:
    """Mastodon's CustomEmoji entities of a post's or account's remote emoji
    (the remote image is served as it is: there is no still version of it)."""
    return [
        {
            "shortcode": e["shortcode"],
            "url": e["url"],
            "static_url": e["url"],
            "visible_in_picker": False,
        }
        for e in emojis
    ]


def account(a: Account, settings: Settings, moved: Account | None = None) -> dict[str, Any]:
    """The Account entity; ``moved`` is the account ``a`` moved to, when it did
    (``weft.queries.accounts.moved_targets``), shown whole as Mastodon does."""
    avatar = a.avatar_url or settings.base_url + MISSING_AVATAR
    header = a.header_url or settings.base_url + MISSING_HEADER
    return {
        "id": str(a.id),
        "username": a.username,
        "acct": a.acct,
        "url": a.url or f"{settings.base_url}/@{a.username}",
        "uri": a.uri or f"{settings.base_url}/users/{a.username}",
        "display_name": a.display_name,
        # A remote account's bio and links arrive as HTML, sanitized when stored.
        "note": a.note if a.domain else paragraphs(a.note),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "locked": a.locked,
        "bot": a.bot,
        "group": False,
        "discoverable": a.discoverable,
        "indexable": a.indexable,
        "hide_collections": a.hide_collections,
        "noindex": not a.indexable,
        "memorial": False,
        "suspended": a.suspended_at is not None or None,
        "limited": None,
        "moved": (
            account(moved, settings) if moved is not None and a.moved_to_account_id else None
        ),
        "created_at": iso(a.created_at.replace(hour=0, minute=0, second=0, microsecond=0)),
        "last_status_at": a.last_status_at.date().isoformat() if a.last_status_at else None,
        "statuses_count": a.statuses_count,
        "followers_count": a.followers_count,
        "following_count": a.following_count,
        "emojis": emoji_entities(a.emojis),
        "fields": [
            {
                "name": f.get("name", ""),
                "value": f.get("value", "") if a.domain else linkify(f.get("value", "")),
                "verified_at": f.get("verified_at"),
            }
            for f in a.fields
        ],
        "roles": [],
    }


ROLES = {
    "user": {"id": "-99", "name": "", "permissions": "65536", "color": "", "highlighted": False},
    "moderator": {
        "id": "1",
        "name": "Moderator",
        "permissions": "1308",
        "color": "",
        "highlighted": True,
    },
    "admin": {"id": "3", "name": "Admin", "permissions": "1", "color": "", "highlighted": True},
}


def credential_account(
    a: Account, user: User, settings: Settings, follow_requests: int = 0
) -> dict[str, Any]:
    """The signed-in person's own account, with ``source`` (their raw profile) and ``role``."""
    entity = account(a, settings)
    entity["source"] = {
        "privacy": user.default_privacy,
        "sensitive": user.default_sensitive,
        "language": user.default_language,
        "note": a.note,
        "fields": [
            {
                "name": f.get("name", ""),
                "value": f.get("value", ""),
                "verified_at": f.get("verified_at"),
            }
            for f in a.fields
        ],
        "follow_requests_count": follow_requests,
        "indexable": a.indexable,
        "discoverable": a.discoverable,
        "hide_collections": a.hide_collections,
        "attribution_domains": [],
        "quote_policy": "public",
        # Weft: who may message them (everyone | following | nobody).
        "chat_policy": user.chat_policy,
        # Weft: whose mentions link and notify (everyone | following | followers).
        "mention_policy": user.mention_policy,
    }
    entity["role"] = ROLES.get(user.role, ROLES["user"])
    # Weft's own settings, under a key of their own so Mastodon's shapes stay valid.
    entity["weft"] = {
        "federated": a.federated,
        "chat_policy": user.chat_policy,
        "mention_policy": user.mention_policy,
    }
    return entity
