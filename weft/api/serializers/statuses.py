"""Status entities (Mastodon's shape) from a loaded ``StatusBundle``."""

from __future__ import annotations

from typing import Any

from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.accounts import iso
from weft.api.serializers.cards import card_entity
from weft.api.serializers.media import media_entity
from weft.config import Settings
from weft.models import Account, Status, StatusEdit
from weft.policies.statuses import can_quote, can_view
from weft.queries.status_bundle import StatusBundle

QUOTE_AUTOMATIC = {"public": ["public"], "followers": ["followers"], "nobody": []}


def status_url(status: Status, username: str, settings: Settings) -> str:
    return status.url or f"{settings.base_url}/@{username}/{status.id}"


def status_entity(
    status: Status, bundle: StatusBundle, settings: Settings, *, nested: bool = False
) -> dict[str, Any]:
    """One post; a repost carries its original in ``reblog``.

    ``nested`` marks a post shown inside another (a quote's target): its own
    quote is given only by id, as Mastodon's ShallowQuote.
    """
    author = bundle.author(status)
    original = bundle.statuses.get(status.reblog_of_id) if status.reblog_of_id else None
    entity: dict[str, Any] = {
        "id": str(status.id),
        "uri": status.uri or f"{settings.base_url}/users/{author.username}/statuses/{status.id}",
        "url": status_url(status, author.username, settings),
        "created_at": iso(status.created_at),
        "edited_at": iso(status.edited_at),
        "account": account_entity(author, settings),
        "content": "" if original else status.content,
        "visibility": status.visibility,
        "sensitive": status.sensitive,
        "spoiler_text": status.spoiler_text,
        "language": status.language,
        "in_reply_to_id": str(status.in_reply_to_id) if status.in_reply_to_id else None,
        "in_reply_to_account_id": (
            str(status.in_reply_to_account_id) if status.in_reply_to_account_id else None
        ),
        "replies_count": status.replies_count,
        "reblogs_count": status.reblogs_count,
        "favourites_count": status.favourites_count,
        "quotes_count": status.quotes_count,
        "media_attachments": [media_entity(m, settings) for m in bundle.media.get(status.id, [])],
        "mentions": [_mention(a, settings) for a in bundle.mentions.get(status.id, [])],
        "tags": [
            {"name": t.name, "url": f"{settings.base_url}/tags/{t.name.lower()}"}
            for t in bundle.tags.get(status.id, [])
        ],
        "emojis": [],
        "card": _card(status, bundle, settings),
        "poll": None,
        "application": _application(status, bundle),
        "reblog": status_entity(original, bundle, settings) if original else None,
        "quote": None if nested else _quote(status, bundle, settings),
        "quote_approval": _quote_approval(status, bundle),
        "filtered": [],
    }
    if bundle.viewer_id is not None:
        target = original or status
        entity.update(
            favourited=target.id in bundle.favourited,
            reblogged=target.id in bundle.reblogged,
            bookmarked=target.id in bundle.bookmarked,
            pinned=target.id in bundle.pinned,
            muted=False,
        )
    return entity


def _card(status: Status, bundle: StatusBundle, settings: Settings) -> dict[str, Any] | None:
    card = bundle.cards.get(status.id)
    return card_entity(card, settings) if card is not None else None


def _mention(account: Any, settings: Settings) -> dict[str, str]:
    return {
        "id": str(account.id),
        "username": account.username,
        "acct": account.acct,
        "url": account.url or f"{settings.base_url}/@{account.username}",
    }


def _application(status: Status, bundle: StatusBundle) -> dict[str, Any] | None:
    app = bundle.applications.get(status.application_id) if status.application_id else None
    if app is None or status.account_id != bundle.viewer_id:
        return None  # Mastodon shows the app only to the author
    return {"name": app.name, "website": app.website}


def _quote(status: Status, bundle: StatusBundle, settings: Settings) -> dict[str, Any] | None:
    if status.quote_of_id is None and status.quote_state is None:
        return None
    quoted = bundle.statuses.get(status.quote_of_id) if status.quote_of_id else None
    if quoted is None:
        return {"state": "deleted", "quoted_status": None}
    if status.quote_state == "revoked":
        return {"state": "revoked", "quoted_status": None}
    access = bundle.access.get(quoted.id)
    if access is None or not can_view(access):
        return {"state": "unauthorized", "quoted_status": None}
    return {
        "state": "accepted",
        "quoted_status": status_entity(quoted, bundle, settings, nested=True),
    }


def _quote_approval(status: Status, bundle: StatusBundle) -> dict[str, Any]:
    access = bundle.access.get(status.id)
    if bundle.viewer_id is None or access is None:
        current = "unknown"
    else:
        current = "automatic" if can_quote(access) else "denied"
    automatic = QUOTE_AUTOMATIC.get(status.quote_policy, [])
    if status.visibility not in ("public", "unlisted"):
        automatic = []
    return {"automatic": automatic, "manual": [], "current_user": current}


def status_entities(
    statuses: list[Status], bundle: StatusBundle, settings: Settings
) -> list[dict[str, Any]]:
    return [status_entity(s, bundle, settings) for s in statuses]


def status_edit_entity(edit: StatusEdit, author: Account, settings: Settings) -> dict[str, Any]:
    """One version of a post (Mastodon's StatusEdit)."""
    return {
        "content": edit.content,
        "spoiler_text": edit.spoiler_text,
        "sensitive": edit.sensitive,
        "created_at": iso(edit.created_at),
        "account": account_entity(author, settings),
        "poll": None,
        "media_attachments": [],
        "emojis": [],
    }


def status_source_entity(status: Status) -> dict[str, Any]:
    return {"id": str(status.id), "text": status.text, "spoiler_text": status.spoiler_text}
