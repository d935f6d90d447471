"""How long a post is, counted as Mastodon counts it.

Mastodon's ``StatusLengthValidator`` replaces every link with 23 characters
and a remote mention ``@user@domain`` with ``@user``, then counts the spoiler
text and the text together. Mastodon's server counts grapheme clusters, its
web composer counts code points; we count code points (the specification, and
never more permissive than Mastodon: what we accept, Mastodon accepts).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from weft.text.entities import extract

URL_LENGTH = 23
MAX_LINKS = 5


def countable_length(text: str, spoiler_text: str = "") -> int:
    """>>> countable_length("hi @bob@example.com https://example.com/" + "a" * 100)
    31
    """
    length = len(spoiler_text)
    position = 0
    for entity in extract(text):
        if entity.kind == "hashtag":
            continue
        length += entity.start - position
        if entity.mention is not None:
            length += 1 + len(entity.mention.username)
        else:
            length += URL_LENGTH
        position = entity.end
    return length + len(text) - position


def distinct_links(text: str) -> set[str]:
    """The links of ``text``, counted once however often or in whatever case
    their scheme and host are written."""
    result = set()
    for entity in extract(text):
        if entity.kind == "url":
            result.add(_normalized(entity.value))
    return result


def _normalized(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[oops": still a link, just not one we can take apart
        return url
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()
