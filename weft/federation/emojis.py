"""Custom emoji in other servers' posts and profiles (``Emoji`` tags).

Mastodon, GoToSocial, Misskey and Pleroma write ``:rainbow:`` in the text and
tag the object (a Note, or an actor for its name, bio and fields) with

    {"type": "Emoji", "name": ":rainbow:", "icon": {"type": "Image", "url": "https://…/rainbow.png"}}

We keep, for each post or account, the emoji its text uses: a shortcode and
an http(s) image URL, the domain being the author's. Clients put the images
in place from the API's ``emojis``; the web app does it in
``weft.text.emoji``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from weft.federation import jsonld

# Mastodon's shortcodes: letters, digits and underscores (at least two).
SHORTCODE = re.compile(r"^[a-zA-Z0-9_]{2,100}$")
MAX_EMOJIS = 100
MAX_URL = 2048


def read_emojis(tags: Any, texts: Iterable[str]) -> list[dict[str, str]]:
    """The ``Emoji`` tags among ``tags`` whose ``:shortcode:`` one of ``texts``
    uses, as ``{"shortcode", "url"}`` (the first of each shortcode)."""
    text = "\n".join(texts)
    found: dict[str, str] = {}
    for tag in jsonld.objects(tags):
        if "Emoji" not in jsonld.types(tag) or len(found) >= MAX_EMOJIS:
            continue
        name = tag.get("name")
        shortcode = name.strip().strip(":") if isinstance(name, str) else ""
        url = _icon_url(tag.get("icon"))
        used = f":{shortcode}:" in text
        if SHORTCODE.match(shortcode) and url and used and shortcode not in found:
            found[shortcode] = url
    return [{"shortcode": code, "url": url} for code, url in found.items()]


def _icon_url(icon: Any) -> str | None:
    for image in jsonld.objects(icon) or [{"url": icon}]:
        url = image.get("url")
        url = url.get("href") if isinstance(url, dict) else url
        if (
            isinstance(url, str)
            and url.lower().startswith(("https://", "http://"))
            and len(url) <= MAX_URL
        ):
            return url
    return None
