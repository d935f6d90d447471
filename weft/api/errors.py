"""Domain errors and bad requests as Mastodon's ``{"error": ...}`` bodies.

Only API paths answer in JSON; the web app's pages render their own errors
(weft/web/errors.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from weft.errors import Invalid, RateLimited, WeftError
from weft.throttling import rate_limit_headers

log = logging.getLogger("weft.api")

JSON_PREFIXES = (
    "/api/",
    "/oauth/token",
    "/oauth/revoke",
    "/oauth/userinfo",
    "/.well-known/",
    "/nodeinfo",
)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


def error_response(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def weft_error_response(error: WeftError) -> JSONResponse:
    if isinstance(error, Invalid):
        return error_response(error.status, error.message, details=error.details)
    response = error_response(error.status, error.message)
    add_error_headers(response, error)
    return response


def add_error_headers(response: Response, error: Exception | None) -> None:
    """Headers an error carries whatever the body: a 429's limits and Retry-After."""
    if isinstance(error, RateLimited):
        response.headers.update(rate_limit_headers(error.limit, 0, error.reset_at))
        response.headers["Retry-After"] = str(
            max(1, int(error.reset_at - datetime.now(UTC).timestamp()))
        )


def install(app: FastAPI, html_errors: Any = None) -> None:
    """Register the handlers; ``html_errors(request, status, message)`` renders pages."""

    def respond(request: Request, status: int, message: str, error: Exception | None) -> Response:
        if html_errors is not None and not wants_json(request):
            page: Response = html_errors(request, status, message)
            add_error_headers(page, error)
            return page
        if isinstance(error, WeftError):
            return weft_error_response(error)
        return error_response(status, message)

    @app.exception_handler(WeftError)
    async def on_weft_error(request: Request, error: WeftError) -> Response:
        return respond(request, error.status, error.message, error)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        field = loc[0] + "".join(f"[{p}]" for p in loc[1:]) if loc else "request"
        invalid = Invalid(field, str(first.get("msg", "is invalid")).lower())
        return respond(request, 422, invalid.message, invalid)

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, error: HTTPException) -> Response:
        message = {404: "Record not found", 405: "Method not allowed"}.get(
            error.status_code, str(error.detail)
        )
        response = respond(request, error.status_code, message, None)
        if error.headers:
            response.headers.update(error.headers)
        return response

    @app.exception_handler(Exception)
    async def on_crash(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return respond(request, 500, "Internal server error", None)
