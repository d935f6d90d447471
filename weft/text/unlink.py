"""Turning some mention links of sanitized HTML back into plain text.

Another server's post names people as links (``<a href=... class="mention">``);
one whose mention setting refuses the author (weft/policies/mentions.py) must
read it as plain text, as a local post renders it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_ANCHOR = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def unlink_mentions(content: str, hrefs: Iterable[str]) -> str:
    """``content`` with each link to one of ``hrefs`` replaced by its text.

    >>> link = '<a href="https://a.example/@x" class="mention">@<span>x</span></a>'
    >>> unlink_mentions(f"<p>{link} hi</p>", ["https://a.example/@x"])
    '<p>@x hi</p>'
    """
    wanted = {html.unescape(h) for h in hrefs if h}
    if not wanted:
        return content

    def plain(match: re.Match[str]) -> str:
        if html.unescape(match.group(1)) not in wanted:
            return match.group(0)
        return _TAG.sub("", match.group(2))

    return _ANCHOR.sub(plain, content)
