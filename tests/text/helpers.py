"""Checking rendered post HTML: only the markup the renderer itself emits."""

from __future__ import annotations

from html.parser import HTMLParser

ALLOWED = {
    "p": set(),
    "br": set(),
    "a": {"href", "rel", "class", "target", "translate"},
    "span": {"class", "translate"},
}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def assert_only_our_markup(html: str) -> None:
    """No tag, attribute or link scheme that the renderer does not emit itself."""
    for tag, attrs in tags_of(html):
        assert tag in ALLOWED, (tag, html)
        assert set(attrs) <= ALLOWED[tag], (tag, attrs, html)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("http://", "https://")), (href, html)
        if "rel" in attrs:
            assert attrs["rel"] in ("nofollow noopener noreferrer", "tag"), html
