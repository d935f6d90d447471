"""Plain text to the HTML Mastodon clients expect, then sanitized.

The author's text is escaped as it is rendered, so none of their markup can
survive; the result still goes through nh3 (ammonia) with a list of exactly
the tags, attributes, classes and URL schemes this renderer emits. A bug in
the renderer then yields odd text, never a script in someone's timeline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import nh3

from weft.text.entities import Entity, extract

LINK_REL = "nofollow noopener noreferrer"
DISPLAY_LENGTH = 30  # Mastodon's TextFormatter shows 30 characters of a link
_URL_PREFIX = re.compile(r"^https?://(www\.)?", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")
SPOILER_CLASS = "spoiler"  # a range of the text hidden until tapped (Threads' spoilers)

_CLEANER = nh3.Cleaner(
    tags={"p", "br", "a", "span"},
    attributes={"a": {"href"}, "span": set()},
    # Attributes with a fixed set of values: anything else the renderer (or a
    # bug in it) emitted is dropped.
    tag_attribute_values={
        "a": {"rel": {LINK_REL, "tag"}, "target": {"_blank"}, "translate": {"no"}},
        "span": {"translate": {"no"}},
    },
    allowed_classes={
        "a": {"u-url", "mention", "hashtag"},
        "span": {"h-card", "invisible", "ellipsis", SPOILER_CLASS},
    },
    url_schemes={"http", "https"},
    link_rel=None,  # rel is ours (above); nh3 would otherwise replace it
    strip_comments=True,
)


@dataclass(frozen=True)
class MentionTarget:
    """A mentioned account as the renderer links it."""

    username: str
    url: str


def sanitize(html: str) -> str:
    return _CLEANER.clean(html)


def render(
    text: str,
    *,
    base_url: str,
    local_domain: str,
    mentions: Mapping[tuple[str, str | None], MentionTarget],
    spoilers: Sequence[tuple[int, int]] = (),
) -> str:
    """HTML for ``text``: paragraphs, line breaks, links, mentions and hashtags.

    ``mentions`` holds the accounts that exist, by ``MentionRef.key``; other
    ``@names`` stay plain text, as in Mastodon. ``spoilers`` are ``(offset,
    length)`` ranges of code points, each marked ``<span class="spoiler">``
    (a link or mention they touch is hidden whole).

    >>> render("hi\\nyou", base_url="https://w.example", local_domain="w.example", mentions={})
    '<p>hi<br>you</p>'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    hidden = [False] * len(text)
    for offset, length in spoilers:
        hidden[offset : offset + length] = [True] * len(hidden[offset : offset + length])
    pieces: list[str] = []
    position = 0
    for entity in extract(text):
        pieces.append(_plain_html(text, position, entity.start, hidden))
        html = _entity_html(text, entity, base_url, local_domain, mentions)
        if any(hidden[entity.start : entity.end]):
            html = f'<span class="{SPOILER_CLASS}">{html}</span>'
        pieces.append(html)
        position = entity.end
    pieces.append(_plain_html(text, position, len(text), hidden))
    # Entity HTML has no newlines, so the remaining ones are the author's.
    body = "".join(pieces).strip("\n")
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
    return sanitize("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


def _plain_html(text: str, start: int, end: int, hidden: Sequence[bool]) -> str:
    """``text[start:end]`` escaped, its hidden runs in spoiler spans; a newline
    always stays outside a span, so paragraphs and line breaks never cut one."""
    pieces: list[str] = []
    run_start = start
    for position in range(start, end + 1):
        if position < end and position > run_start and _same_run(text, hidden, run_start, position):
            continue
        if position > run_start:
            run = escape(text[run_start:position])
            hide = hidden[run_start] and text[run_start] != "\n"
            pieces.append(f'<span class="{SPOILER_CLASS}">{run}</span>' if hide else run)
        run_start = position
    return "".join(pieces)


def _same_run(text: str, hidden: Sequence[bool], run_start: int, position: int) -> bool:
    """Whether ``text[position]`` continues the run begun at ``run_start``
    (newlines are runs of their own)."""
    newline = text[position] == "\n" or text[run_start] == "\n"
    return not newline and hidden[position] == hidden[run_start]


def _entity_html(
    text: str,
    entity: Entity,
    base_url: str,
    local_domain: str,
    mentions: Mapping[tuple[str, str | None], MentionTarget],
) -> str:
    if entity.kind == "url":
        return link_html(entity.value)
    if entity.kind == "hashtag":
        href = f"{base_url}/tags/{quote(entity.value)}"
        return (
            f'<a href="{escape(href)}" class="mention hashtag" rel="tag">'
            f"#<span>{escape(entity.value)}</span></a>"
        )
    assert entity.mention is not None
    target = mentions.get(entity.mention.key(local_domain))
    if target is None:
        return escape(text[entity.start : entity.end])
    return (
        f'<span class="h-card" translate="no"><a href="{escape(target.url)}" '
        f'class="u-url mention">@<span>{escape(target.username)}</span></a></span>'
    )


def link_html(url: str) -> str:
    """Mastodon's shortened link: the scheme (and www.) hidden, 30 characters shown,
    the rest hidden behind an ellipsis (``TextFormatter.shortened_link``)."""
    prefix = _URL_PREFIX.match(url)
    prefix_text = prefix.group(0) if prefix else ""
    rest = url[len(prefix_text) :]
    shown, hidden = rest[:DISPLAY_LENGTH], rest[DISPLAY_LENGTH:]
    if len(hidden) == 1:  # an ellipsis would take the place of one character
        shown, hidden = rest, ""
    css = ' class="ellipsis"' if hidden else ""
    return (
        f'<a href="{escape(url)}" target="_blank" rel="{LINK_REL}" translate="no">'
        f'<span class="invisible">{escape(prefix_text)}</span>'
        f"<span{css}>{escape(shown)}</span>"
        f'<span class="invisible">{escape(hidden)}</span></a>'
    )
