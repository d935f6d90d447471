"""Error pages for the web app (the API answers JSON instead: weft/api/errors.py)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from weft.web.auth import safe_next
from weft.web.templating import PAGE_HEADERS, templates

TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    410: "Gone",
    422: "Please check what you entered",
    429: "Slow down",
    500: "Something went wrong",
}


def wants_json(request: Request) -> bool:
    """The page's own script (static/weft.js) asks for JSON; a browser asks for HTML."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _sign_in_redirect(request: Request) -> Response:
    """Someone not signed in asked for a page that needs it: sign in, then come back.

    After a GET, back to that page; after a form, to the page the form was on
    (the form itself was not sent, so going back to it is the honest place).
    """
    if request.method in ("GET", "HEAD"):
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        referer = urlsplit(request.headers.get("referer", ""))
        same_site = referer.netloc == request.url.netloc
        back = referer.path + (f"?{referer.query}" if referer.query else "") if same_site else "/"
    return RedirectResponse(
        "/auth/sign_in?" + urlencode({"next": safe_next(back)}), status_code=303
    )


def render_error(request: Request, status: int, message: str) -> Response:
    """The error as a page; a page that needs someone signed in (``require_user``
    in weft/web/common.py) as a redirect to sign in;
    JSON (``{"error": ...}``) when the page's script asked for JSON."""
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    if status == 401 and getattr(request.state, "sign_in_required", False):
        return _sign_in_redirect(request)
    page = templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "Error"), "message": message},
        status_code=status,
    )
    page.headers.update(PAGE_HEADERS)
    return page
