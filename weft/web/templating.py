"""Jinja2 templates, autoescaped: every user-supplied string is escaped.

Every page gets ``viewer`` (the signed-in user, when this request looked them
up) and ``csrf_token()`` for its forms. Pages render through ``render``, which
also sets the anonymous CSRF cookie when a form needed one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from weft.web.session import csrf_token, known_visitor, load_visitor, remember_csrf

# Pages show who is signed in and carry per-visitor tokens: never cache them,
# never let another site frame them (a framed consent page could be clickjacked).
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
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


async def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    await load_visitor(request)
    response = templates.TemplateResponse(request, name, context or {}, status_code=status)
    response.headers.update(PAGE_HEADERS)
    remember_csrf(request, response)
    return response
