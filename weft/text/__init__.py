"""Post text: counting, parsing (links, mentions, hashtags) and rendering to safe HTML.

See docs/decisions/0005-text-and-rendering.md.
"""

from weft.text.entities import Entity, MentionRef, extract, hashtags, links, mentions
from weft.text.length import MAX_LINKS, URL_LENGTH, countable_length, distinct_links
from weft.text.render import MentionTarget, render, sanitize

__all__ = [
    "MAX_LINKS",
    "URL_LENGTH",
    "Entity",
    "MentionRef",
    "MentionTarget",
    "countable_length",
    "distinct_links",
    "extract",
    "hashtags",
    "links",
    "mentions",
    "render",
    "sanitize",
]
