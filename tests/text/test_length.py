"""Counting as Mastodon counts: code points, links as 23, remote mentions as @user."""

from __future__ import annotations

import random

import pytest

from weft.text import URL_LENGTH, countable_length, distinct_links


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("hello", 5),
        ("é", 1),  # one code point, two bytes
        ("e\u0301", 2),  # two code points, one grapheme: Mastodon's composer counts 2
        ("😀", 1),
        ("👩‍👩‍👧", 5),  # a ZWJ family: five code points
        ("https://example.com/" + "a" * 200, URL_LENGTH),
        ("http://x.example", URL_LENGTH),
        ("@bob@very.long.example.org", 4),
        ("@bob", 4),
        ("#hashtag", 8),
        ("hi @bob@example.com https://example.com/x!", 3 + 4 + 1 + URL_LENGTH + 1),
    ],
)
def test_length(text: str, length: int) -> None:
    assert countable_length(text) == length


def test_spoiler_text_counts() -> None:
    assert countable_length("abc", "warning") == 10


def test_plain_text_length_is_its_code_points() -> None:
    rng = random.Random(5)
    alphabet = "ab cé\n😀\u0301日"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        assert countable_length(text) == len(text)


def test_each_link_counts_the_same_however_long() -> None:
    rng = random.Random(7)
    for _ in range(100):
        path = "".join(rng.choice("abc/-_") for _ in range(rng.randrange(0, 400)))
        assert countable_length(f"x https://example.com/{path}a y") == 4 + URL_LENGTH


def test_distinct_links_ignore_case_of_scheme_and_host_only() -> None:
    text = "https://Example.com/A HTTPS://example.COM/A https://example.com/a http://[oops"
    assert distinct_links(text) == {
        "https://example.com/A",
        "https://example.com/a",
        "http://[oops",
    }
