"""Finding links, mentions and hashtags in plain text, as Mastodon finds them.

Mastodon extracts entities with twitter-text (links) and its own patterns
(``Account::MENTION_RE``, ``Tag::HASHTAG_RE``), then drops entities that
overlap an earlier one, so ``https://example.com/@alice#top`` is one link and
neither a mention nor a hashtag. The patterns here follow those.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal


def _mark_ranges() -> str:
    """A regex class body of the combining marks (Unicode M*).

    Python's ``\\w`` leaves them out, but Ruby's ``[[:word:]]`` (Mastodon's)
    keeps them, and without them ``#हिन्दी`` would stop after its first letter.
    Built once from ``unicodedata`` so it follows the interpreter's Unicode.
    """
    ranges: list[tuple[int, int]] = []
    planes = (range(0x0300, 0x20000), range(0xE0100, 0xE01F0))
    for plane in planes:
        for code in plane:
            if unicodedata.category(chr(code))[0] == "M":
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1] = (ranges[-1][0], code)
                else:
                    ranges.append((code, code))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges)


_WORD = "\\w" + _mark_ranges()  # a class body: use inside [...]
# Separators Mastodon allows inside a hashtag: "#l·lamp" (Catalan), ZWNJ (Persian).
_TAG_SEPARATORS = "\u00b7\u30fb\u200c"

# twitter-text refuses a link glued to a word or a handle ("foohttp://", "@http://").
_URL = re.compile(r"(?<![\w@$#])https?://[^\s<>\"]+", re.IGNORECASE)
_URL_TRAILING = ".,:;!?'\"*"
_OPENING = {")": "(", "]": "[", "}": "{"}
# Account::MENTION_RE: a username, then optionally @domain; not after = / or a word
# character, so e-mail addresses are not mentions. ASCII ranges without IGNORECASE:
# with it, [a-z] would also match the Kelvin sign and the long s. The domain may
# end in a port (``@bob@127.0.0.1:3002``), as Weft writes the handles of servers
# that run on one (two servers on one machine, tests).
_MENTION = re.compile(
    rf"(?<![=/{_WORD}])@([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)"
    rf"(?:@([{_WORD}]+(?:[.-]+[{_WORD}]+)*(?::[0-9]{{1,5}}(?![0-9]))?))?"
)
# Tag::HASHTAG_RE, simplified: word characters and separators, starting and
# ending with a word character, holding at least one letter (checked after).
_HASHTAG = re.compile(rf"(?<![=/){_WORD}])#([{_WORD}](?:[{_WORD}{_TAG_SEPARATORS}]*[{_WORD}])?)")
MAX_TAG_LENGTH = 255  # the tags.name column


@dataclass(frozen=True)
class MentionRef:
    username: str
    domain: str | None  # None for "@user" (local)

    def key(self, local_domain: str) -> tuple[str, str | None]:
        """Case-insensitive identity; ``@alice@<this server>`` is the local ``@alice``."""
        domain = self.domain.lower() if self.domain else None
        if domain == local_domain.lower():
            domain = None
        return self.username.lower(), domain


@dataclass(frozen=True)
class Entity:
    kind: Literal["url", "mention", "hashtag"]
    start: int
    end: int
    value: str  # the URL; the tag name without "#"; the mention without "@"
    mention: MentionRef | None = None


# Counting, checking and rendering each parse the same text: remember a few.
@lru_cache(maxsize=128)
def extract(text: str) -> tuple[Entity, ...]:
    """Every link, mention and hashtag in ``text``, in order, none overlapping."""
    found = [*_urls(text), *_mentions(text), *_hashtags(text)]
    # Like twitter-text's remove_overlapping_entities: the earliest entity wins;
    # at the same start, the longest.
    found.sort(key=lambda e: (e.start, -e.end))
    kept: list[Entity] = []
    for entity in found:
        if not kept or entity.start >= kept[-1].end:
            kept.append(entity)
    return tuple(kept)


def links(text: str) -> list[str]:
    return [e.value for e in extract(text) if e.kind == "url"]


def mentions(text: str) -> list[MentionRef]:
    return [e.mention for e in extract(text) if e.mention is not None]


def hashtags(text: str) -> list[str]:
    """Tag names as first written, one per name regardless of case."""
    seen: dict[str, str] = {}
    for entity in extract(text):
        if entity.kind == "hashtag":
            seen.setdefault(entity.value.lower(), entity.value)
    return list(seen.values())


def _urls(text: str) -> list[Entity]:
    found = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        if not any(ch.isalnum() for ch in host):
            continue
        found.append(Entity("url", match.start(), match.start() + len(url), url))
    return found


def _trim_url(url: str) -> str:
    """Drop sentence punctuation after a link, and closing brackets it did not open
    ("(see https://en.wikipedia.org/wiki/Pie_(food))" keeps the inner pair)."""
    while url and (url[-1] in _URL_TRAILING or _unbalanced(url)):
        url = url[:-1]
    return url


def _unbalanced(url: str) -> bool:
    closing = url[-1]
    opening = _OPENING.get(closing)
    return opening is not None and url.count(closing) > url.count(opening)


def _mentions(text: str) -> list[Entity]:
    return [
        Entity(
            "mention",
            m.start(),
            m.end(),
            m.group(0)[1:],
            MentionRef(m.group(1), m.group(2)),
        )
        for m in _MENTION.finditer(text)
    ]


def _hashtags(text: str) -> list[Entity]:
    return [
        Entity("hashtag", m.start(), m.end(), m.group(1))
        for m in _HASHTAG.finditer(text)
        if len(m.group(1)) <= MAX_TAG_LENGTH and any(ch.isalpha() for ch in m.group(1))
    ]
