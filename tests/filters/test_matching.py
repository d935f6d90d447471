"""The matcher alone (weft/policies/filters.py): Mastodon's word boundaries,
case and Unicode, contexts, expiry, one's own posts, the shipped list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from weft.models.base import utcnow
from weft.policies.filters import (
    CONTEXTS,
    FilterRule,
    KeywordRule,
    ViewerFilters,
    hides,
    keyword_pattern,
    post_text,
)

ME, AUTHOR = 1, 2


def filters(*keywords: tuple[str, bool], action: str = "warn", **rule: object) -> ViewerFilters:
    made = FilterRule(
        id=7,
        title="t",
        context=tuple(rule.pop("context", CONTEXTS)),  # type: ignore[call-overload]
        action=action,
        expires_at=rule.pop("expires_at", None),  # type: ignore[arg-type]
        keywords=tuple(KeywordRule(i, k, w) for i, (k, w) in enumerate(keywords)),
        status_ids=frozenset(rule.pop("status_ids", ())),  # type: ignore[arg-type]
    )
    return ViewerFilters.build(ME, [made], offensive=False)


@pytest.mark.parametrize(
    ("keyword", "whole_word", "text", "matched"),
    [
        ("cat", True, "my CAT sleeps", True),
        ("cat", True, "concatenate", False),
        ("cat", False, "concatenate", True),
        ("cat", True, "cats", False),
        ("Straße", True, "die STRASSE? die straße.", True),
        ("café", True, "un Café noir", True),
        ("#tag", True, "see #tag!", True),
        ("#tag", True, "see #tags", False),
        ("🎉", True, "party🎉time", True),
        ("two words", True, "these two  words", False),
        ("two words", True, "Two Words here", True),
        ("a.b", True, "axb", False),
    ],
)
def test_keywords_match_as_mastodon(
    keyword: str, whole_word: bool, text: str, matched: bool
) -> None:
    found = filters((keyword, whole_word)).matches(3, AUTHOR, text, "home", utcnow())
    assert bool(found) is matched


def test_boundaries_only_where_the_keyword_has_word_characters() -> None:
    assert keyword_pattern("cat", True) == r"\bcat\b"
    assert keyword_pattern("#cat", True) == r"\#cat\b"
    assert keyword_pattern("cat", False) == "cat"


def test_contexts_expiry_and_own_posts() -> None:
    now = utcnow()
    home_only = filters(("x", True), context=("home",))
    assert home_only.matches(3, AUTHOR, "x", "home", now)
    assert not home_only.matches(3, AUTHOR, "x", "public", now)
    assert home_only.matches(3, AUTHOR, "x", None, now)  # a post by itself: any context
    assert not home_only.matches(3, ME, "x", "home", now)  # one's own post
    expiring = filters(("x", True), expires_at=now + timedelta(hours=1))
    assert expiring.matches(3, AUTHOR, "x", "home", now)
    assert not expiring.matches(3, AUTHOR, "x", "home", now + timedelta(hours=2))


def test_keywords_and_posts_reported_and_hide() -> None:
    both = filters(("a", True), ("b", True), ("c", True), action="hide", status_ids={3})
    (match,) = both.matches(3, AUTHOR, "c then a", "home", utcnow())
    assert match.keywords == ("a", "c")
    assert match.statuses == (3,)
    assert hides([match])
    assert not hides(filters(("a", True)).matches(3, AUTHOR, "a", "home", utcnow()))


def test_the_shipped_list() -> None:
    on = ViewerFilters.build(ME, [], offensive=True)
    assert hides(on.matches(3, AUTHOR, "What a TWAT.", "public", utcnow()))
    assert not on.matches(3, AUTHOR, "twattle", "public", utcnow())
    assert not on.matches(3, AUTHOR, "What a twat", None, utcnow())  # not shown by itself
    assert ViewerFilters.build(ME, [], offensive=False).empty


def test_the_text_matched() -> None:
    entity = {
        "spoiler_text": "CW here",
        "content": "<p>Hello &amp; <a href='x'>world</a></p><p>again</p>",
        "media_attachments": [{"description": "a dog"}, {"description": None}],
        "poll": {"options": [{"title": "yes"}, {"title": "no"}]},
    }
    assert post_text(entity) == "CW here\n\nHello & world\nagain\n\na dog\n\nyes\n\nno"
