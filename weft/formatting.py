"""Plain text people type, rendered to the small HTML Mastodon clients expect."""

from __future__ import annotations

import html
import re

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The form of a noun that goes after ``count``: ``noun(1, "follower")`` is
    ``follower``, ``noun(0, "follower")`` ``followers``; irregular plurals are given
    (``noun(2, "person", "people")``). Every count shown with a noun goes through here."""
    if count == 1:
        return singular
    return plural if plural is not None else singular + "s"


def linkify(text: str) -> str:
    """Escape ``text`` and turn its http(s) URLs into links."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        url = html.escape(match.group(0))
        shown = html.escape(re.sub(r"^https?://(www\.)?", "", match.group(0)))
        out.append(
            f'<a href="{url}" rel="nofollow noopener noreferrer me" target="_blank">{shown}</a>'
        )
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def paragraphs(text: str) -> str:
    """Blank lines separate paragraphs; single newlines become ``<br>``."""
    text = text.strip()
    if not text:
        return ""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return "".join(f"<p>{linkify(block).replace(chr(10), '<br>')}</p>" for block in blocks)
