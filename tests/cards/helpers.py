"""Pages that describe themselves, served on loopback, for card tests."""

from __future__ import annotations

import io
import json

from PIL import Image

from tests.net.pages import Page, PageServer


def png(width: int = 800, height: int = 400) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(out, "PNG")
    return out.getvalue()


def opengraph_page(pages: PageServer, path: str = "/article") -> str:
    """An article with OpenGraph tags and an image; returns its URL."""
    pages.add("/cover.png", Page(png(), content_type="image/png"))
    html = """<!doctype html><html lang="en"><head>
      <title>Plain title</title>
      <meta property="og:title" content="The  weaving &amp; the weft">
      <meta property="og:description" content="How threads cross.">
      <meta property="og:site_name" content="Loom Weekly">
      <meta property="og:image" content="/cover.png">
      <meta property="og:image:alt" content="A red loom">
      <meta property="article:published_time" content="2025-05-01T10:00:00Z">
      <meta name="author" content="Ada">
    </head><body><p>text</p></body></html>"""
    return pages.add(path, html)


def oembed_page(pages: PageServer, kind: str = "video", path: str = "/watch") -> str:
    """A page whose oEmbed document carries an iframe and a script; returns its URL."""
    document = {
        "version": "1.0",
        "type": kind,
        "title": "A clip",
        "author_name": "Ada",
        "author_url": "https://video.example/ada",
        "provider_name": "VideoSite",
        "provider_url": "https://video.example/",
        "width": 640,
        "height": 360,
        "html": '<iframe src="https://video.example/embed/1" width="640" height="360" '
        'allowfullscreen onload="steal()"></iframe><script>alert("x")</script>',
    }
    pages.add("/oembed.json", Page(json.dumps(document).encode(), content_type="application/json"))
    html = f"""<html><head><title>Watch</title>
      <link rel="alternate" type="application/json+oembed" href="{pages.url}/oembed.json">
    </head><body></body></html>"""
    return pages.add(path, html)
