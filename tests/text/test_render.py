"""Rendering plain text to HTML that carries no markup of the author's."""

from __future__ import annotations

import random
import re
from html import unescape

import pytest

from tests.text.helpers import assert_only_our_markup, tags_of
from weft.text import MentionTarget, render

BASE = "https://weft.example"
ALICE = MentionTarget("alice", f"{BASE}/@alice")
BOB = MentionTarget("bob", "https://far.example/@bob")
KNOWN = {("alice", None): ALICE, ("bob", "far.example"): BOB}


def html(text: str) -> str:
    return render(text, base_url=BASE, local_domain="weft.example", mentions=KNOWN)


def test_paragraphs_and_line_breaks() -> None:
    assert html("one\ntwo\n\n\nthree\r\n") == "<p>one<br>two</p><p>three</p>"
    assert html("  \n\n ") == ""


def test_mentions_link_only_known_accounts() -> None:
    assert html("@alice @alice@weft.example @bob@far.example @carol @bob") == (
        '<p><span class="h-card" translate="no"><a href="https://weft.example/@alice" '
        'class="u-url mention">@<span>alice</span></a></span> '
        '<span class="h-card" translate="no"><a href="https://weft.example/@alice" '
        'class="u-url mention">@<span>alice</span></a></span> '
        '<span class="h-card" translate="no"><a href="https://far.example/@bob" '
        'class="u-url mention">@<span>bob</span></a></span> @carol @bob</p>'
    )


def test_hashtags_link_to_the_tag_page() -> None:
    assert html("#Café") == (
        '<p><a href="https://weft.example/tags/Caf%C3%A9" class="mention hashtag" rel="tag">'
        "#<span>Café</span></a></p>"
    )


@pytest.mark.parametrize(
    ("url", "shown", "hidden", "cut"),
    [
        ("https://example.com", "example.com", "", False),
        ("https://www.example.com/a", "example.com/a", "", False),
        ("http://example.com/" + "a" * 11, "example.com/" + "a" * 11, "", False),
        ("https://example.com/" + "a" * 30, "example.com/" + "a" * 18, "a" * 12, True),
        # One character past 30 would be replaced by the ellipsis itself: shown whole.
        ("https://example.com/" + "a" * 19, "example.com/" + "a" * 19, "", False),
    ],
)
def test_links_are_shortened_as_mastodon_does(url: str, shown: str, hidden: str, cut: bool) -> None:
    prefix = "https://www." if "www." in url else url.split("//")[0] + "//"
    css = ' class="ellipsis"' if cut else ""
    assert html(url) == (
        f'<p><a href="{url}" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
        f'<span class="invisible">{prefix}</span><span{css}>{shown}</span>'
        f'<span class="invisible">{hidden}</span></a></p>'
    )


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    '<p style="position:fixed">x</p>',
    '"><svg onload=alert(1)>',
    "https://example.com/\"onmouseover='alert(1)'",
    "https://example.com/<script>",
    "<!-- comment --><iframe src=https://evil.example></iframe>",
    "&lt;script&gt; &amp; &#x3C;",
    '<span class="h-card"><a href="https://evil.example" class="u-url mention">@x</a></span>',
    "@alice<b>bold</b>#tag<i>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_as_text(text: str) -> None:
    rendered = html(text)
    assert_only_our_markup(rendered)
    if "<" in text:
        assert "&lt;" in rendered  # the author's markup is shown as text
    # The author's own h-card is text; only links to accounts we resolved are mentions.
    mention_links = [a for tag, a in tags_of(rendered) if "mention" in str(a.get("class"))]
    assert all(a.get("href") != "https://evil.example" for a in mention_links)


def test_random_text_never_yields_foreign_markup() -> None:
    """Property: whatever the mix of markup, entities and noise, the output holds
    only our tags and attributes, and its text is the input's."""
    pieces = [
        "<",
        ">",
        '"',
        "'",
        "&",
        "=",
        "/",
        " ",
        "\n",
        "\n\n",
        "a",
        "é",
        "😀",
        "<script>",
        "</p>",
        "<a href=",
        "javascript:",
        "onerror=",
        "style=",
        "https://example.com/",
        "http://x.example/p?q=1&r=2",
        "@alice",
        "@bob@far.example",
        "@carol",
        "#tag",
        "#",
        "@",
        "(",
        ")",
        "&amp;",
        "&#60;",
    ]
    rng = random.Random(1234)
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30)))
        rendered = html(text)
        assert_only_our_markup(rendered)
        assert _text_of(rendered) == _text_of_input(text), text


def _text_of(rendered: str) -> str:
    return _same_bob(unescape(re.sub(r"<[^>]*>", "", rendered.replace("<br>", "\n"))))


def _same_bob(text: str) -> str:
    # A remote mention is shown as @user, as Mastodon shows it.
    return text.replace("@bob@far.example", "@bob")


def _text_of_input(text: str) -> str:
    """What a reader sees of ``text``: links lose nothing (their hidden parts are
    still text), mentions and tags keep their characters, blank lines split."""
    paragraphs = [p for p in re.split(r"\n{2,}", text.strip("\n")) if p.strip()]
    return _same_bob("".join(paragraphs))
