"""Jinja2 templates, autoescaped: every user-supplied string is escaped.

Every page gets ``viewer`` (the signed-in user, when this request looked them
up) and ``csrf_token()`` for its forms. Pages render through ``render``, which
also sets the anonymous CSRF cookie when a form needed one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from weft.formatting import noun
from weft.queries.chats import unread_chats
from weft.runtime import runtime_of
from weft.security import random_token
from weft.text.emoji import emojify, emojify_text
from weft.web.session import csrf_token, known_visitor, load_visitor, remember_csrf
from weft.web.text_attachments import attachment_markup, own_content

# Scripts and styles only from our own files (no inline script, no inline
# style); pictures and videos may come from other servers (remote posts and
# link cards); nothing may frame a page (a framed consent page could be
# clickjacked); forms post only here.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https: http:; media-src 'self' https: http:; frame-src https:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
# The OAuth consent form answers with a redirect to the app's redirect_uri (another
# site, or an app's own scheme), which browsers check against form-action too.
CSP_REDIRECTING_FORM = CSP.removesuffix("; form-action 'self'")
REDIRECTING_FORM_PAGES = frozenset({"oauth/authorize.html"})

# Pages show who is signed in and carry per-visitor tokens: never cache them.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def _page_context(request: Request) -> dict[str, Any]:
    visitor = known_visitor(request)
    return {
        "viewer": visitor.user if visitor else None,
        "viewer_known": visitor is not None,
        "csrf_token": lambda: csrf_token(request),
    }


templates = Jinja2Templates(
    directory=Path(__file__).parent / "templates", context_processors=[_page_context]
)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


# (suffix, seconds per unit, shown while younger than)
AGE_STEPS = (("m", 60, 3600), ("h", 3600, 86400), ("d", 86400, 7 * 86400))


def ago(iso: str | None, now: datetime | None = None) -> str:
    """A post's age as Threads shows it: ``now``, ``5m``, ``3h``, ``2d``, then the date."""
    if not iso:
        return ""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    if seconds < 60:
        return "now"
    for unit, size, limit in AGE_STEPS:
        if seconds < limit:
            return f"{int(seconds // size)}{unit}"
    return when.strftime("%Y-%m-%d")


def long_date(iso: str | None) -> str:
    """The full time, for a ``<time>`` element's title: ``2025-06-01 14:03 UTC``."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M UTC")


def urlhost(url: str | None) -> str:
    """``https://www.example.com/a`` as ``example.com``, for a link card's source."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


class _IframeSource(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.src = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        src = dict(attrs).get("src") or ""
        if tag == "iframe" and not self.src and src.startswith("https://"):
            self.src = src


def embed_src(html: str | None) -> str:
    """The https address of a card's embed iframe (weft/cards/oembed.py keeps
    one), or "" when there is none; weft.js loads it only when asked."""
    parser = _IframeSource()
    parser.feed(html or "")
    parser.close()
    return parser.src


def emojified(html: str, emojis: list[dict[str, Any]]) -> Markup:
    """A post's or bio's HTML (sanitized when stored) with its custom emoji as images."""
    # The input was sanitized when stored, and emojify only adds escaped images.
    return Markup(emojify(str(html), emojis or []))  # noqa: S704


def emojified_text(text: str, emojis: list[dict[str, Any]]) -> Markup:
    """A display name, escaped, with its custom emoji as images."""
    return Markup(emojify_text(str(text), emojis or []))  # noqa: S704 (escaped first)


templates.env.filters["ago"] = ago
templates.env.filters["embed_src"] = embed_src
templates.env.filters["urlhost"] = urlhost
templates.env.filters["long_date"] = long_date
templates.env.filters["noun"] = noun
templates.env.filters["emojify"] = emojified
templates.env.filters["emojify_text"] = emojified_text
templates.env.filters["own_content"] = own_content  # Threads' text attachments
templates.env.filters["attachment_html"] = attachment_markup
# A composer's Idempotency-Key, new each time one is drawn (weft/web/compose_form.py).
templates.env.globals["new_idempotency_key"] = random_token


async def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    visitor = await load_visitor(request)
    context = dict(context or {})
    if visitor.user is not None:
        # The rail's Messages badge, drawn with the page (static/live.js keeps it current).
        async with runtime_of(request).db.read() as session:
            context["unread_chats"] = await unread_chats(session, visitor.user.account_id)
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(PAGE_HEADERS)
    if name in REDIRECTING_FORM_PAGES:
        response.headers["Content-Security-Policy"] = CSP_REDIRECTING_FORM
    remember_csrf(request, response)
    return response
