"""Mastodon's pagination over HTTP: reading ``max_id``, ``since_id``, ``min_id``
and ``limit`` from a request, and writing the ``Link`` header. The paging
itself is in weft/db/paging.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse

from weft.db.paging import MAX_SQL_INTEGER, Page
from weft.errors import Invalid


def _cursor(name: str, value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or int(value) > MAX_SQL_INTEGER:
        raise Invalid(name, "must be an id")
    return int(value)


def page_of(request: Request, default: int = 20, maximum: int = 40) -> Page:
    """The page a request asks for; ``limit`` is clamped to ``maximum``, as Mastodon does."""
    query = request.query_params
    raw_limit = query.get("limit")
    limit = default
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
        except ValueError:
            raise Invalid("limit", "must be a number") from None
    return Page(
        max_id=_cursor("max_id", query.get("max_id")),
        since_id=_cursor("since_id", query.get("since_id")),
        min_id=_cursor("min_id", query.get("min_id")),
        limit=max(1, min(limit, maximum)),
    )


def link_header(request: Request, cursors: list[int]) -> str | None:
    """``Link`` with rel=next (older) and rel=prev (newer) for a page whose
    cursors, newest first, are ``cursors``."""
    if not cursors:
        return None
    base = str(request.url).partition("?")[0]
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in _CURSORS]
    older = urlencode([*kept, ("max_id", str(cursors[-1]))])
    newer = urlencode([*kept, ("min_id", str(cursors[0]))])
    return f'<{base}?{older}>; rel="next", <{base}?{newer}>; rel="prev"'


_CURSORS = {"max_id", "since_id", "min_id"}


def paged_json(request: Request, body: Any, cursors: list[int]) -> JSONResponse:
    """``body`` as JSON with the ``Link`` header of a page whose cursors,
    newest first, are ``cursors``."""
    response = JSONResponse(body)
    link = link_header(request, cursors)
    if link:
        response.headers["Link"] = link
    return response
