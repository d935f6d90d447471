"""Search and Tag entities."""

from __future__ import annotations

from typing import Any

from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.filters import Filtering
from weft.api.serializers.statuses import status_entities
from weft.config import Settings
from weft.queries.search import SearchResults, TagUse


def tag_entity(use: TagUse, settings: Settings) -> dict[str, Any]:
    name = use.tag.name
    return {
        "id": str(use.tag.id),
        "name": name,
        "url": f"{settings.base_url}/tags/{name.lower()}",
        "history": use.history,
    }


def search_entity(
    results: SearchResults, settings: Settings, filtering: Filtering | None = None
) -> dict[str, Any]:
    """``filtering``: the viewer's filters (in the ``public`` context: search
    is not one of Mastodon's), which leave hidden posts out."""
    page = results.statuses
    return {
        "accounts": [
            account_entity(a, settings, results.moved.get(a.id)) for a in results.accounts
        ],
        "statuses": status_entities(page.statuses, page.bundle, settings, filtering),
        "hashtags": [tag_entity(use, settings) for use in results.hashtags],
    }
