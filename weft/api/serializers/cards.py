"""PreviewCard entities (Mastodon's shape)."""

from __future__ import annotations

from typing import Any

from weft.api.serializers.accounts import iso
from weft.cards.images import image_url
from weft.config import Settings
from weft.models import PreviewCard


def card_entity(card: PreviewCard, settings: Settings) -> dict[str, Any]:
    """A ready card. ``authors`` (Mastodon 4.3) repeats the deprecated
    ``author_name`` / ``author_url``; we link no fediverse account yet."""
    authors = (
        [{"name": card.author_name, "url": card.author_url, "account": None}]
        if card.author_name
        else []
    )
    return {
        "url": card.url,
        "title": card.title,
        "description": card.description,
        "language": card.language,
        "type": card.type,
        "author_name": card.author_name,
        "author_url": card.author_url,
        "authors": authors,
        "provider_name": card.provider_name,
        "provider_url": card.provider_url,
        "html": card.html,
        "width": card.width,
        "height": card.height,
        "image": image_url(settings, card.image_key) if card.image_key else None,
        "image_description": card.image_description,
        "embed_url": card.embed_url,
        "blurhash": card.blurhash,
        "published_at": iso(card.published_at),
    }
