"""Sanitizing HTML written by other servers (posts, bios, profile fields).

Local text is rendered by us (``weft.text.render``); remote HTML is whatever
another server sent, so it goes through nh3 with the elements Mastodon keeps
for remote content (its ``MASTODON_STRICT`` sanitizer config): paragraphs,
line breaks, links, emphasis, quotes, code and lists. Links keep only http(s)
targets and get our ``rel``; classes are kept only where clients read them
(mentions, hashtags, the invisible/ellipsis parts of a shortened link).
"""

from __future__ import annotations

import re
from html import unescape

import nh3

from weft.text.render import LINK_REL

_REMOTE = nh3.Cleaner(
    tags=set("p br span a del s pre blockquote code b strong u i em ul ol li ruby rt rp".split()),
    attributes={"a": {"href"}, "ol": {"start", "reversed"}, "li": {"value"}},
    allowed_classes={
        "a": {"u-url", "mention", "hashtag", "status-link", "unhandled-link"},
        # "spoiler": a Weft server's hidden range (Threads' spoilers).
        "span": {"h-card", "invisible", "ellipsis", "spoiler"},
    },
    url_schemes={"http", "https"},
    link_rel=LINK_REL,
    set_tag_attribute_values={"a": {"target": "_blank"}},
    strip_comments=True,
)
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)


def sanitize_remote(html: str) -> str:
    """Remote HTML cut down to what Mastodon shows of it."""
    return _REMOTE.clean(html)


def plain_text(html: str) -> str:
    """The text of (sanitized) HTML, with paragraph and line breaks as newlines."""
    text = _BREAK.sub("\n", html)
    return unescape(_TAG.sub("", text)).strip()
