"""Building a card for one URL: the page, its oEmbed document, its picture.

>>> data = await build_card(settings, "https://example.com/post", card_id=42)
>>> data.title, data.image_key
('Example post', 'cards/42/image-....jpg')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from weft.cards.images import fetch_image, store_image
from weft.cards.oembed import Embed, fetch_embed
from weft.cards.parse import PageMeta, decode_page, parse_page
from weft.config import Settings
from weft.net import FetchError, fetch

MAX_PAGE_BYTES = 1024 * 1024
PAGE_TIMEOUT = 10.0
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Mastodon's PreviewCard limits, roughly: enough for any real title or summary.
MAX_TITLE = 300
MAX_DESCRIPTION = 1000
MAX_NAME = 200
MAX_URL = 2000
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")


class NoCard(FetchError):
    """The page was fetched but says nothing a card could show (no title)."""


@dataclass(frozen=True)
class CardData:
    type: str = "link"
    title: str = ""
    description: str = ""
    provider_name: str = ""
    provider_url: str = ""
    author_name: str = ""
    author_url: str = ""
    html: str = ""
    width: int = 0
    height: int = 0
    embed_url: str = ""
    image_url: str | None = None  # remote, fetched into image_key
    image_key: str | None = None
    image_description: str = ""
    blurhash: str | None = None
    language: str | None = None
    published_at: datetime | None = None


def trim(text: str, limit: int) -> str:
    """Whitespace collapsed, and at most ``limit`` characters (with an ellipsis)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _http_url(value: str | None) -> str:
    if not value or len(value) > MAX_URL:
        return ""
    return value if urlsplit(value).scheme in ("http", "https") else ""


def _language(value: str | None) -> str | None:
    if not value:
        return None
    primary, _, region = value.partition("-")
    tag = f"{primary.lower()}-{region}" if region else primary.lower()
    return tag if len(tag) <= 16 and _LANGUAGE.fullmatch(tag) else None


def _published(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def combine(page_url: str, meta: PageMeta, embed: Embed | None) -> CardData:
    """The card the page's metadata and its oEmbed document describe together
    (oEmbed wins for what it knows: type, embed, author, provider)."""
    e = embed or Embed(type="link")
    image = e.photo_url or e.thumbnail_url or meta.image
    title = trim(e.title or meta.title, MAX_TITLE)
    if not title:
        raise NoCard(page_url, "the page has no title")
    return CardData(
        type=e.type,
        title=title,
        description=trim(meta.description, MAX_DESCRIPTION),
        provider_name=trim(e.provider_name or meta.site_name, MAX_NAME),
        provider_url=_http_url(e.provider_url),
        author_name=trim(e.author_name or meta.author, MAX_NAME),
        author_url=_http_url(e.author_url),
        html=e.html,
        width=e.width,
        height=e.height,
        embed_url=_http_url(e.photo_url),
        image_url=_http_url(image) or None,
        image_description=trim(meta.image_alt, MAX_DESCRIPTION),
        language=_language(meta.language),
        published_at=_published(meta.published),
    )


async def build_card(settings: Settings, url: str, card_id: int) -> CardData:
    """Fetch ``url`` and everything its card needs; raises ``FetchError`` (or
    ``NoCard``) when there is no card to make."""
    page = await fetch(
        url,
        settings=settings,
        max_bytes=MAX_PAGE_BYTES,
        timeout=PAGE_TIMEOUT,
        accept="text/html,application/xhtml+xml",
        content_types=HTML_TYPES,
    )
    meta = parse_page(decode_page(page.body, page.charset), page.url)
    embed = await fetch_embed(settings, meta.oembed_url) if meta.oembed_url else None
    data = combine(page.url, meta, embed)
    if data.image_url is None:
        return data
    image = await fetch_image(settings, data.image_url)
    if image is None:
        return data
    key = await store_image(settings, card_id, image)
    size = (data.width, data.height) if data.width and data.height else (image.width, image.height)
    return replace(data, image_key=key, blurhash=image.blurhash, width=size[0], height=size[1])
