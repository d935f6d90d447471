"""What a page says about itself: OpenGraph, Twitter cards, <title>, <meta>, oEmbed links.

A real HTML parser (the standard library's), never regular expressions. The
first value of each property wins, as in Mastodon's LinkDetailsExtractor.

>>> meta = parse_page("<title>Hi</title><meta property=og:title content=Hello>", base)
>>> meta.title
'Hello'
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

OEMBED_JSON = "application/json+oembed"


@dataclass(frozen=True)
class PageMeta:
    title: str = ""
    description: str = ""
    image: str | None = None  # absolute URL
    image_alt: str = ""
    site_name: str = ""
    og_type: str = ""
    canonical: str | None = None
    oembed_url: str | None = None  # absolute URL of the JSON oEmbed document
    language: str | None = None
    author: str = ""
    published: str | None = None


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.props: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False
        self.title_done = False
        self.oembed: str | None = None
        self.canonical: str | None = None
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name.lower(): (value or "") for name, value in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = self.lang or a["lang"]
        elif tag == "meta":
            self._meta(a)
        elif tag == "link":
            self._link(a)
        elif tag == "title" and not self.title_done:
            self.in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.in_title, self.title_done = False, True

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)

    def _meta(self, a: dict[str, str]) -> None:
        key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
        content = a.get("content", "").strip()
        if key and content:
            self.props.setdefault(key, content)

    def _link(self, a: dict[str, str]) -> None:
        rels = a.get("rel", "").lower().split()
        href = a.get("href", "").strip()
        if not href:
            return
        if "alternate" in rels and a.get("type", "").lower() == OEMBED_JSON:
            self.oembed = self.oembed or href
        elif "canonical" in rels:
            self.canonical = self.canonical or href


def parse_page(html: str, base_url: str) -> PageMeta:
    parser = _MetaParser()
    parser.feed(html)
    parser.close()
    p = parser.props

    def first(*keys: str) -> str:
        return next((p[k] for k in keys if p.get(k)), "")

    def absolute(value: str) -> str | None:
        return urljoin(base_url, value) if value else None

    title = first("og:title", "twitter:title") or " ".join("".join(parser.title_parts).split())
    return PageMeta(
        title=title,
        description=first("og:description", "twitter:description", "description"),
        image=absolute(first("og:image:secure_url", "og:image", "og:image:url", "twitter:image")),
        image_alt=first("og:image:alt", "twitter:image:alt"),
        site_name=first("og:site_name", "application-name"),
        og_type=first("og:type").lower(),
        canonical=absolute(first("og:url") or (parser.canonical or "")),
        oembed_url=absolute(parser.oembed or ""),
        language=(first("og:locale") or parser.lang or "").replace("_", "-") or None,
        author=first("author", "article:author", "twitter:creator"),
        published=first("article:published_time", "datepublished") or None,
    )


class _CharsetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charset: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta" or self.charset:
            return
        a = {name.lower(): (value or "") for name, value in attrs}
        if a.get("charset"):
            self.charset = a["charset"].strip().lower()
        elif a.get("http-equiv", "").lower() == "content-type":
            _, _, rest = a.get("content", "").lower().partition("charset=")
            self.charset = rest.strip().strip("\"'") or None


def decode_page(body: bytes, declared: str | None) -> str:
    """The page as text: the HTTP charset, else a <meta charset> in the first
    kilobytes (read as Latin-1, which maps every byte), else UTF-8."""
    charset = declared
    if charset is None:
        sniffer = _CharsetParser()
        sniffer.feed(body[:4096].decode("latin-1"))
        charset = sniffer.charset
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
