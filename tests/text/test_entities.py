"""Links, mentions and hashtags found as Mastodon finds them."""

from __future__ import annotations

import itertools

import pytest

from weft.text import MentionRef, extract, hashtags, links, mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://example.com.", ["https://example.com"]),
        ("(https://example.com/a)", ["https://example.com/a"]),
        ("https://en.wikipedia.org/wiki/Pie_(food)!", ["https://en.wikipedia.org/wiki/Pie_(food)"]),
        ("HTTP://EXAMPLE.COM/x?y=1&z=2#frag", ["HTTP://EXAMPLE.COM/x?y=1&z=2#frag"]),
        ("a https://例え.jp/パス b", ["https://例え.jp/パス"]),
        ("no scheme example.com, ftp://example.com, javascript:alert(1)", []),
        ("glued foohttps://example.com and https://", []),
        ('quote "https://example.com/"', ["https://example.com/"]),
    ],
)
def test_links(text: str, expected: list[str]) -> None:
    assert links(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@alice hi", [MentionRef("alice", None)]),
        ("hi @Bob@Example.COM.", [MentionRef("Bob", "Example.COM")]),
        ("(@a_b.c-d)", [MentionRef("a_b.c-d", None)]),
        ("mail bob@example.com or a=@x or /@y", []),
        ("https://example.com/@alice", []),  # inside a link
        ("@café", [MentionRef("caf", None)]),  # usernames are ASCII: as in Mastodon
    ],
)
def test_mentions(text: str, expected: list[MentionRef]) -> None:
    assert mentions(text) == expected


def test_a_mention_of_this_server_is_local() -> None:
    assert MentionRef("Alice", "WEFT.example").key("weft.example") == ("alice", None)
    assert MentionRef("alice", "other.example").key("weft.example") == ("alice", "other.example")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#tea and #Tea and #TEA", ["tea"]),
        ("#café #हिन्दी #日本語 #l·lamp", ["café", "हिन्दी", "日本語", "l·lamp"]),
        ("#123 #1a #_x", ["1a", "_x"]),  # at least one letter
        ("https://example.com/#anchor a#b (#c) #d.", ["c", "d"]),
        ("#" + "x" * 256, []),  # longer than a tag name can be
    ],
)
def test_hashtags(text: str, expected: list[str]) -> None:
    assert hashtags(text) == expected


def test_entities_never_overlap_and_come_in_order() -> None:
    text = "@a https://x.example/@b#c #d @e@f.example https://g.example/(h)"
    entities = extract(text)
    assert [e.kind for e in entities] == ["mention", "url", "hashtag", "mention", "url"]
    for before, after in itertools.pairwise(entities):
        assert before.end <= after.start
    for entity in entities:
        assert text[entity.start : entity.end].lstrip("@#") == entity.value.lstrip("@#") or (
            entity.kind == "url"
        )
