"""A text attachment's HTML: its plain text in paragraphs, its styled ranges
as the tags Mastodon keeps (``strong``, ``em``, ``u``, ``s``; ``mark`` for a
highlight, which Mastodon drops to plain text), its links shortened as in a
post, and its link attachment last.

The same attachment always gives the same HTML, so a Weft server reading a
Note can tell the attachment's part of ``content`` from the post's own
(``weft.federation.rich_notes``), and the web app can show it apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import nh3

from weft.text.entities import extract
from weft.text.render import LINK_REL, link_html

# Threads' styles, in the order their tags nest (outermost first).
STYLE_TAGS = {
    "bold": "strong",
    "italic": "em",
    "underline": "u",
    "strikethrough": "s",
    "highlight": "mark",
}
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")

_CLEANER = nh3.Cleaner(
    tags={"p", "br", "a", "span", *STYLE_TAGS.values()},
    attributes={"a": {"href"}, "span": set()},
    tag_attribute_values={
        "a": {"rel": {LINK_REL}, "target": {"_blank"}, "translate": {"no"}},
    },
    allowed_classes={"span": {"invisible", "ellipsis"}},
    url_schemes={"http", "https"},
    link_rel=None,
    strip_comments=True,
)


def attachment_html(attachment: Mapping[str, Any]) -> str:
    """HTML for a stored text attachment (``weft.actions.text_attachments``).

    >>> attachment_html({"plaintext": "Hi you", "text_with_styling_info": [
    ...     {"offset": 3, "length": 3, "styling_info": ["bold"]}]})
    '<p>Hi <strong>you</strong></p>'
    """
    text = str(attachment.get("plaintext") or "").replace("\r\n", "\n").replace("\r", "\n")
    styles: list[frozenset[str]] = [frozenset()] * len(text)
    for styled in attachment.get("text_with_styling_info") or ():
        start, end = int(styled["offset"]), int(styled["offset"]) + int(styled["length"])
        for position in range(start, min(end, len(text))):
            styles[position] = styles[position] | frozenset(styled["styling_info"])
    pieces: list[str] = []
    position = 0
    for entity in extract(text):
        if entity.kind != "url":
            continue
        pieces.append(_styled_runs(text, position, entity.start, styles))
        pieces.append(_wrap(link_html(entity.value), styles[entity.start]))
        position = entity.end
    pieces.append(_styled_runs(text, position, len(text), styles))
    body = "".join(pieces).strip("\n")
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
    html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    link = attachment.get("link_attachment_url")
    if link:
        html += f"<p>{link_html(str(link))}</p>"
    return str(_CLEANER.clean(html))


def _styled_runs(text: str, start: int, end: int, styles: Sequence[frozenset[str]]) -> str:
    """``text[start:end]`` escaped, each run of one set of styles in its tags;
    a newline is a run of its own, so no tag spans a paragraph break."""
    pieces: list[str] = []
    run_start = start
    for position in range(start, end + 1):
        if (
            position < end
            and text[position] != "\n"
            and text[run_start] != "\n"
            and styles[position] == styles[run_start]
        ):
            continue
        if position > run_start:
            run = escape(text[run_start:position])
            pieces.append(run if text[run_start] == "\n" else _wrap(run, styles[run_start]))
        run_start = position
    return "".join(pieces)


def _wrap(html: str, styles: frozenset[str]) -> str:
    for style, tag in reversed(STYLE_TAGS.items()):
        if style in styles:
            html = f"<{tag}>{html}</{tag}>"
    return html


def with_attachment(content: str, attachment: Mapping[str, Any] | None) -> str:
    """A post's HTML with its text attachment's after it (as Mastodon's apps
    and other servers see the post: they know no attachments)."""
    return content + attachment_html(attachment) if attachment else content
