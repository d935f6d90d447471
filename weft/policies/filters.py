"""Which of a person's filters a post matches, and what that does.

A person's filters (weft/models/filters.py) are compiled once per version of
them (weft/queries/filters.py keeps the result) into ``ViewerFilters``: one
regular expression per filter, with a group per keyword, and the set of posts
each filter names. Matching follows Mastodon's ``CustomFilterKeyword``: a
whole-word keyword gets a word boundary at each end that is a word character
(so ``#tag`` or an emoji still match), case-insensitive and Unicode-aware, over
the post's text as Mastodon builds it: the content warning, the text (with a
text attachment's), media descriptions and poll options.

Contexts: ``home`` (home, lists, For You, the Fediverse feed), ``public``
(public and tag timelines, search), ``thread``, ``account``, ``notifications``.
A matching ``hide`` filter removes the post from that list; ``warn`` and
``blur`` keep it with the matches in its ``filtered``. The shipped offensive
words (``data/offensive_words.txt``) act as a hidden ``hide`` filter in
every context while the person leaves them on. A person's own posts are never
filtered for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

from weft.text.remote import plain_text

CONTEXTS = ("home", "notifications", "public", "thread", "account")
HIDE = "hide"
_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class KeywordRule:
    id: int
    keyword: str
    whole_word: bool


@dataclass(frozen=True, slots=True)
class FilterRule:
    """A filter as matching needs it (and as a FilterResult shows it)."""

    id: int
    title: str
    context: tuple[str, ...]
    action: str
    expires_at: datetime | None
    keywords: tuple[KeywordRule, ...] = ()
    status_ids: frozenset[int] = frozenset()

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True, slots=True)
class Match:
    """A filter a post matched: by which keywords and which of its posts."""

    rule: FilterRule
    keywords: tuple[str, ...]
    statuses: tuple[int, ...]


def keyword_pattern(keyword: str, whole_word: bool) -> str:
    """Mastodon's regular expression for a keyword (without its flags)."""
    escaped = re.escape(keyword)
    if not whole_word:
        return escaped
    start = r"\b" if _WORD.match(keyword[:1]) else ""
    end = r"\b" if _WORD.match(keyword[-1:]) else ""
    return f"{start}{escaped}{end}"


def _compile(keywords: Iterable[KeywordRule]) -> re.Pattern[str] | None:
    parts = [
        f"(?P<k{i}>{keyword_pattern(k.keyword, k.whole_word)})" for i, k in enumerate(keywords)
    ]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: FilterRule
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class ViewerFilters:
    """A person's filters, compiled; ``offensive``: the shipped list, when on."""

    account_id: int
    rules: tuple[FilterRule, ...] = ()
    offensive: bool = True
    _compiled: tuple[_Compiled, ...] = field(default=(), repr=False)

    @classmethod
    def build(
        cls, account_id: int, rules: Iterable[FilterRule], *, offensive: bool
    ) -> ViewerFilters:
        rules = tuple(rules)
        compiled = tuple(_Compiled(r, _compile(r.keywords)) for r in rules)
        return cls(account_id, rules, offensive, compiled)

    @property
    def empty(self) -> bool:
        return not self.rules and not self.offensive

    def matches(
        self, post_id: int, author_id: int, text: str, context: str | None, now: datetime
    ) -> list[Match]:
        """The filters ``post_id`` matches in ``context`` (None: the post asked
        for by itself, which reports the person's filters of every context and
        is never removed)."""
        if author_id == self.account_id:
            return []
        found: list[Match] = []
        for compiled in self._compiled:
            rule = compiled.rule
            if (context is not None and context not in rule.context) or not rule.active(now):
                continue
            keywords = _matched(compiled, text)
            statuses = (post_id,) if post_id in rule.status_ids else ()
            if keywords or statuses:
                found.append(Match(rule, keywords, statuses))
        if self.offensive and context is not None and OFFENSIVE.search(text):
            found.append(Match(OFFENSIVE_RULE, (), ()))
        return found


def _matched(compiled: _Compiled, text: str) -> tuple[str, ...]:
    if compiled.pattern is None or not text:
        return ()
    groups = {m.lastgroup for m in compiled.pattern.finditer(text)}
    keywords = compiled.rule.keywords
    return tuple(keywords[int(g[1:])].keyword for g in sorted(groups, key=_index) if g)


def _index(group: str | None) -> int:
    return int(group[1:]) if group else 0


def hides(matches: Iterable[Match]) -> bool:
    return any(m.rule.action == HIDE for m in matches)


def post_text(entity: Mapping[str, Any]) -> str:
    """What filters are matched against, from a Status entity (Mastodon's
    ``CustomFilter#status_text``): the content warning, the text with its
    attachment, media descriptions, poll options."""
    parts = [entity.get("spoiler_text") or "", plain_text(entity.get("content") or "")]
    parts += [m.get("description") or "" for m in entity.get("media_attachments") or ()]
    poll = entity.get("poll")
    if poll:
        parts += [o.get("title") or "" for o in poll.get("options") or ()]
    return "\n\n".join(p for p in parts if p)


def _offensive_words() -> list[str]:
    text = resources.files("weft.policies").joinpath("data/offensive_words.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


OFFENSIVE_WORDS = tuple(_offensive_words())
OFFENSIVE = re.compile("|".join(keyword_pattern(w, True) for w in OFFENSIVE_WORDS), re.IGNORECASE)
OFFENSIVE_RULE = FilterRule(0, "Offensive words", CONTEXTS, HIDE, None)
