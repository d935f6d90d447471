"""Error pages for the web app (the API answers JSON instead: weft/api/errors.py)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from weft.web.templating import templates

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


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "Error"), "message": message},
        status_code=status,
    )
