"""Custom emoji put in place in HTML for the web app: ``:rainbow:`` in a post's
text, a display name or a bio becomes a small image of it.

Only text is touched, never a tag or an attribute: the HTML (sanitized when
stored, or escaped here for plain text) is read with ``html.parser``, each
piece of text escaped again, and the images are ours (``class="emoji"``, the
shortcode as ``alt``, an http(s) ``src`` checked when the emoji was stored,
escaped).

>>> emojify("<p>hi :wave:</p>", [{"shortcode": "wave", "url": "https://x.example/w.png"}])
'<p>hi <img class="emoji" src="https://x.example/w.png" alt=":wave:" title=":wave:" ...></p>'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape
from html.parser import HTMLParser
from typing import Any

_SHORTCODE = re.compile(r":([a-zA-Z0-9_]{2,100}):")


def emojify(html: str, emojis: Iterable[Mapping[str, Any]]) -> str:
    """``html`` with the ``:shortcode:`` of each of ``emojis`` in its text as an image."""
    urls = _urls(emojis)
    if not urls or ":" not in html:
        return html
    rewriter = _Rewriter(urls)
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out)


def emojify_text(text: str, emojis: Iterable[Mapping[str, Any]]) -> str:
    """Plain ``text`` (a display name) escaped, with its emoji as images."""
    return _replace(escape(text, quote=False), _urls(emojis))


def _urls(emojis: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for emoji in emojis:
        code, url = emoji.get("shortcode"), emoji.get("url")
        if isinstance(code, str) and isinstance(url, str) and _is_http(url):
            found[code] = url
    return found


def _is_http(url: str) -> bool:
    return url.lower().startswith(("https://", "http://"))


def _replace(escaped: str, urls: Mapping[str, str]) -> str:
    def image(match: re.Match[str]) -> str:
        url = urls.get(match.group(1))
        if url is None:
            return match.group(0)
        alt = escape(match.group(0))
        return (
            f'<img class="emoji" src="{escape(url)}" alt="{alt}" title="{alt}" '
            'width="20" height="20" loading="lazy" draggable="false">'
        )

    return _SHORTCODE.sub(image, escaped)


class _Rewriter(HTMLParser):
    def __init__(self, urls: Mapping[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.urls = urls
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, " /"))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(_replace(escape(data, quote=False), self.urls))

    @staticmethod
    def _tag(tag: str, attrs: list[tuple[str, str | None]], end: str) -> str:
        parts = "".join(
            f" {name}" if value is None else f' {name}="{escape(value)}"' for name, value in attrs
        )
        return f"<{tag}{parts}{end}>"
