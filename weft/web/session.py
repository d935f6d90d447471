"""Who is signed in to the web app, the session cookie, and CSRF tokens.

The cookie ``weft_session`` holds only a random secret; the session itself is
a row (weft/actions/sessions.py), so signing out ends it on the server too.
Forms carry a hidden ``csrf_token``: a signed-in visitor's is the session's
own token; an anonymous visitor's (sign in, sign up) is a double-submit token
also kept in the ``weft_csrf`` cookie. ``protect_forms`` checks them on every
POST to the web router. docs/decisions/0004-web-sessions-and-csrf.md
says why.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.datastructures import UploadFile

from weft.actions.sessions import SESSION_LIFETIME, resume_session
from weft.errors import BadRequest, WeftError
from weft.models import User, WebSession
from weft.runtime import runtime_of
from weft.security import random_token

SESSION_COOKIE = "weft_session"
CSRF_COOKIE = "weft_csrf"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = int(SESSION_LIFETIME.total_seconds())
# Longer than a session: an anonymous token only proves "this form came from us".
CSRF_MAX_AGE = SESSION_MAX_AGE
CSRF_MESSAGE = "The form expired or was not sent from this site; reload and try again."
_MAX_SECRET = 200


class CsrfFailed(WeftError):
    status = 403

    def __init__(self) -> None:
        super().__init__(CSRF_MESSAGE)


@dataclass(frozen=True)
class Visitor:
    """The browser behind a request: signed in (user and session) or anonymous."""

    user: User | None = None
    session: WebSession | None = None
    secret: str | None = None


def _cookie_secret(request: Request, name: str) -> str | None:
    value = request.cookies.get(name, "")
    return value if 0 < len(value) <= _MAX_SECRET else None


async def load_visitor(request: Request) -> Visitor:
    """The visitor, looked up once per request and kept on ``request.state``."""
    cached = getattr(request.state, "visitor", None)
    if isinstance(cached, Visitor):
        return cached
    visitor = Visitor()
    secret = _cookie_secret(request, SESSION_COOKIE)
    if secret is not None:
        found = await resume_session(runtime_of(request).db, secret)
        if found is not None:
            visitor = Visitor(user=found[1], session=found[0], secret=secret)
    request.state.visitor = visitor
    return visitor


async def current_user(request: Request) -> User | None:
    """A FastAPI dependency: the signed-in user, or None."""
    return (await load_visitor(request)).user


def known_visitor(request: Request) -> Visitor | None:
    """The visitor if this request already looked them up (error pages use it)."""
    cached = getattr(request.state, "visitor", None)
    return cached if isinstance(cached, Visitor) else None


def _secure(request: Request) -> bool:
    return runtime_of(request).settings.is_https


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=SESSION_MAX_AGE,
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=_secure(request), httponly=True, samesite="lax"
    )


def csrf_token(request: Request) -> str:
    """The token this visitor's forms carry; mints an anonymous one when needed."""
    visitor = known_visitor(request)
    if visitor is not None and visitor.session is not None:
        return visitor.session.csrf_token
    token = getattr(request.state, "new_csrf", None) or _cookie_secret(request, CSRF_COOKIE)
    if token is None:
        token = random_token(24)
        request.state.new_csrf = token
    return str(token)


def remember_csrf(request: Request, response: Response) -> None:
    """Set the ``weft_csrf`` cookie if rendering this response minted a token."""
    token = getattr(request.state, "new_csrf", None)
    if token is not None:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            max_age=CSRF_MAX_AGE,
            path="/",
            secure=_secure(request),
            httponly=True,
            samesite="lax",
        )


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (files and repeated names are ignored)."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if not isinstance(value, UploadFile)}
    return no_nul(fields)


def no_nul(fields: Mapping[str, str]) -> dict[str, str]:
    """``fields`` as a dict; a NUL anywhere is a 400 (PostgreSQL refuses it in text)."""
    if any("\x00" in key or "\x00" in value for key, value in fields.items()):
        raise BadRequest("The request contains a NUL character, which no field may hold.")
    return dict(fields)


async def require_csrf(request: Request) -> None:
    """A dependency for every POST route: a missing or wrong token is a 403, and nothing runs."""
    sent = (await form_fields(request)).get(CSRF_FIELD, "")
    visitor = await load_visitor(request)
    if visitor.session is not None:
        expected: str | None = visitor.session.csrf_token
    else:
        expected = _cookie_secret(request, CSRF_COOKIE)
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfFailed()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def protect_forms(request: Request) -> AsyncIterator[None]:
    """On the whole web router: every state-changing request passes ``require_csrf``,
    and the form it parsed (spooled uploads included) is closed when the request
    ends, however it ends."""
    try:
        if request.method not in SAFE_METHODS:
            await require_csrf(request)
        yield
    finally:
        await request.close()
