"""Reading a page's metadata and an oEmbed document, without the network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from weft.cards.build import NoCard, combine, trim
from weft.cards.oembed import embed_from, sanitize_embed
from weft.cards.parse import decode_page, parse_page

BASE = "https://example.com/a/page"


def test_opengraph_wins_over_twitter_and_html() -> None:
    meta = parse_page(
        """<html lang="fr"><head><title> Plain
        title </title>
        <meta name="twitter:title" content="Twitter title">
        <meta property="og:title" content="OG title">
        <meta name="description" content="Plain description">
        <meta name="twitter:image" content="https://cdn.example.com/t.png">
        <meta property="og:image" content="../img/og.png">
        <link rel="canonical" href="/canonical">
        <link rel="alternate" type="application/json+oembed" href="/oembed?url=x">
        </head><body><meta property="og:title" content="late"></body></html>""",
        BASE,
    )
    assert meta.title == "OG title"
    assert meta.description == "Plain description"
    assert meta.image == "https://example.com/img/og.png"
    assert meta.canonical == "https://example.com/canonical"
    assert meta.oembed_url == "https://example.com/oembed?url=x"
    assert meta.language == "fr"


def test_title_falls_back_to_the_title_element() -> None:
    meta = parse_page("<title>  Just \n a   title</title><meta name=twitter:title>", BASE)
    assert meta.title == "Just a title"


def test_broken_html_is_read_as_far_as_it_goes() -> None:
    meta = parse_page('<head><meta property="og:title" content="Still here"<<div><title>x', BASE)
    assert meta.title in ("Still here", "x")


def test_charset_from_the_page() -> None:
    body = '<meta charset="iso-8859-1"><title>café</title>'.encode("iso-8859-1")
    assert "café" in decode_page(body, None)
    assert "café" in decode_page("<title>café</title>".encode(), None)


def test_embed_html_keeps_only_an_https_iframe() -> None:
    dirty = (
        '<iframe src="https://v.example/e/1" width="640" height="360" allowfullscreen '
        'onload="x()" style="position:fixed"></iframe><script>alert(1)</script>'
    )
    clean = sanitize_embed(dirty)
    assert clean == (
        '<iframe src="https://v.example/e/1" width="640" height="360" allowfullscreen=""></iframe>'
    )
    assert sanitize_embed('<iframe src="http://v.example/e/1"></iframe>') == ""
    assert sanitize_embed('<iframe src="javascript:alert(1)"></iframe>') == ""
    assert sanitize_embed('<blockquote>tweet</blockquote><script src="https://x"></script>') == ""


def test_an_unusable_rich_embed_becomes_a_link() -> None:
    embed = embed_from({"type": "rich", "html": "<script>x</script>", "title": "T"})
    assert embed is not None
    assert (embed.type, embed.html) == ("link", "")
    assert embed_from({"type": "nonsense"}) is None


def test_combine_trims_and_requires_a_title() -> None:
    meta = parse_page(
        f'<meta property="og:title" content="{"long " * 200}">'
        '<meta property="article:published_time" content="2025-05-01T10:00:00+02:00">',
        BASE,
    )
    card = combine(BASE, meta, None)
    assert len(card.title) <= 300
    assert card.title.endswith("…")
    assert card.published_at == datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    with pytest.raises(NoCard):
        combine(BASE, parse_page("<p>no title</p>", BASE), None)
    assert trim(" a \n\t b ", 10) == "a b"
