"""oEmbed (https://oembed.com/): the provider's own description of a link.

Fetched through the guarded fetcher like the page. For ``video`` and ``rich``
the embed HTML is kept only as one ``<iframe>`` with an https ``src`` and its
size, as Mastodon's ``MASTODON_OEMBED`` sanitizer does: a provider's script
must never run in a reader's client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import nh3

from weft.config import Settings
from weft.net import FetchError, fetch, json_body

MAX_OEMBED_BYTES = 256 * 1024
OEMBED_TIMEOUT = 10.0
_JSON_TYPES = ("application/json", "application/json+oembed", "text/json", "text/javascript")
_IFRAME_ATTRIBUTES = {"src", "width", "height", "allowfullscreen"}


@dataclass(frozen=True)
class Embed:
    type: str  # photo | video | rich | link
    title: str = ""
    author_name: str = ""
    author_url: str = ""
    provider_name: str = ""
    provider_url: str = ""
    html: str = ""
    width: int = 0
    height: int = 0
    photo_url: str = ""  # type photo: the picture itself
    thumbnail_url: str | None = None


def _https_src(tag: str, attribute: str, value: str) -> str | None:
    if tag == "iframe" and attribute == "src" and not value.startswith("https://"):
        return None  # no src at all rather than a relative or http one
    return value


def sanitize_embed(html: str) -> str:
    """One iframe with an https src, or "" when nothing usable is left."""
    cleaned = nh3.clean(
        html,
        tags={"iframe"},
        attributes={"iframe": _IFRAME_ATTRIBUTES},
        url_schemes={"https"},
        attribute_filter=_https_src,
        strip_comments=True,
    ).strip()
    if not cleaned.startswith("<iframe") or 'src="https://' not in cleaned:
        return ""
    return cleaned


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def embed_from(document: dict[str, Any]) -> Embed | None:
    """The embed an oEmbed document describes, or None if it is not usable."""
    kind = _str(document.get("type")).lower()
    if kind not in ("photo", "video", "rich", "link"):
        return None
    html = sanitize_embed(_str(document.get("html"))) if kind in ("video", "rich") else ""
    photo = _str(document.get("url")) if kind == "photo" else ""
    if (kind in ("video", "rich") and not html) or (kind == "photo" and not photo):
        kind = "link"  # what cannot be embedded safely is shown as a plain link
    return Embed(
        type=kind,
        title=_str(document.get("title")),
        author_name=_str(document.get("author_name")),
        author_url=_str(document.get("author_url")),
        provider_name=_str(document.get("provider_name")),
        provider_url=_str(document.get("provider_url")),
        html=html,
        width=_int(document.get("width")),
        height=_int(document.get("height")),
        photo_url=photo,
        thumbnail_url=_str(document.get("thumbnail_url")) or None,
    )


async def fetch_embed(settings: Settings, url: str) -> Embed | None:
    """The oEmbed document at ``url``; None if it cannot be fetched or read."""
    try:
        result = await fetch(
            url,
            settings=settings,
            max_bytes=MAX_OEMBED_BYTES,
            timeout=OEMBED_TIMEOUT,
            accept="application/json",
            content_types=_JSON_TYPES,
        )
        document = json_body(result)
    except (FetchError, ValueError):
        return None
    return embed_from(document) if isinstance(document, dict) else None
