"""Signing up, in and out in the browser, and confirming an email address.

Routes parse the form, call the actions (weft/actions/accounts.py,
weft/actions/sessions.py) and render; the rules live in the actions.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from weft.actions.accounts import SignUp, confirm_email, register_account
from weft.actions.sessions import authenticate, check_may_sign_in, end_session, start_session
from weft.actions.two_factor import (
    challenged_user,
    check_second_factor,
    has_two_factor,
    sign_in_challenge,
)
from weft.errors import Forbidden, Invalid, RateLimited, Unauthorized
from weft.models import User
from weft.queries.instance import paragraphs_html, registration, server_rules, site_text
from weft.ratelimit import TWO_FACTOR
from weft.runtime import Runtime, runtime
from weft.throttling import check_rate, client_ip
from weft.web.session import (
    clear_session_cookie,
    current_user,
    form_fields,
    load_visitor,
    set_session_cookie,
)
from weft.web.templating import render

router = APIRouter(prefix="/auth")

LABELS = {
    "username": "Username",
    "email": "Email",
    "password": "Password",
    "password_confirmation": "Confirm password",
    "agreement": "The agreement",
    "login": "Email or username",
    "reason": "Your reason",
    "invite_code": "The invite link",
}
SIGN_UP_FIELDS = (
    "username",
    "email",
    "password",
    "password_confirmation",
    "agreement",
    "reason",
    "invite_code",
)
# Typed values a re-rendered form keeps; passwords are never sent back.
KEPT = ("username", "email", "login", "reason", "invite_code")


def safe_next(raw: str | None) -> str:
    """``raw`` if it is a path on this site, else ``/`` (no open redirects).

    Browsers read ``/\\evil.example`` as ``//evil.example`` and drop tabs and
    newlines from URLs, so any backslash or control character is refused too.
    """
    if not raw or not raw.startswith("/") or raw.startswith("//"):
        return "/"
    if "\\" in raw or any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return "/"
    return raw


def _kept(fields: dict[str, str]) -> dict[str, str]:
    return {name: fields.get(name, "") for name in KEPT}


def _field_errors(error: Invalid, fields: tuple[str, ...]) -> dict[str, str]:
    key = error.field if error.field in fields else "form"
    label = LABELS.get(error.field, error.field.replace("_", " ").capitalize())
    return {key: f"{label} {error.description}"}


async def _signed_in(request: Request, rt: Runtime, user: User, target: str) -> Response:
    """Start a session for ``user`` (ending this browser's old one) and go to ``target``."""
    old = await load_visitor(request)
    if old.secret is not None:
        await end_session(rt.db, old.secret)
    _, secret = await start_session(
        rt.db, user, ip=client_ip(request), user_agent=request.headers.get("user-agent")
    )
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, secret)
    return response


async def sign_up_page(
    request: Request,
    rt: Runtime,
    fields: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int | None = None,
) -> HTMLResponse:
    """The form, with the rules to accept; in approval mode it asks a reason,
    and with an invite code (``/invite/<code>``) it is open in any mode but closed."""
    values = _kept(fields or {})
    reg = await registration(rt.db, rt.settings)
    invited = bool(values["invite_code"]) and reg.mode != "closed"
    context = {
        "values": values,
        "errors": errors or {},
        "open": reg.enabled or invited,
        "mode": reg.mode,
        "invited": invited,
        "ask_reason": reg.approval_required and not invited,
        "message": paragraphs_html(reg.message),
        "rules": await server_rules(rt.db),
        "terms": bool((await site_text(rt.db, "terms_of_service")).text),
        "settings": rt.settings,
    }
    code = status or (422 if errors else 200)
    return await render(request, "auth/sign_up.html", context, code)


@router.get("/sign_up", response_model=None)
async def sign_up_form(
    request: Request,
    invite: str = "",
    user: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    if user is not None:
        return RedirectResponse("/", status_code=303)
    return await sign_up_page(request, rt, {"invite_code": invite[:64]})


def _check_sign_up_form(fields: dict[str, str]) -> None:
    """What only the form asks: the password typed twice."""
    if fields.get("password", "") != fields.get("password_confirmation", ""):
        raise Invalid("password_confirmation", "doesn't match Password", "ERR_INVALID")


@router.post("/sign_up", response_model=None)
async def sign_up(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    fields = await form_fields(request)
    try:
        _check_sign_up_form(fields)
        user = await register_account(
            rt.db,
            rt.settings,
            SignUp(
                username=fields.get("username", ""),
                email=fields.get("email", ""),
                password=fields.get("password", ""),
                ip=client_ip(request),
                agreement=fields.get("agreement") == "1",
                reason=fields.get("reason", ""),
                invite_code=fields.get("invite_code", ""),
            ),
        )
    except Invalid as error:
        return await sign_up_page(request, rt, fields, _field_errors(error, SIGN_UP_FIELDS))
    except Forbidden as error:
        return await sign_up_page(request, rt, fields, {"form": error.message}, 403)
    if not user.approved:
        context = {"email": user.email, "confirm": not user.is_confirmed}
        return await render(request, "auth/pending.html", context)
    if not user.is_confirmed:
        return await render(request, "auth/check_email.html", {"email": user.email})
    return await _signed_in(request, rt, user, "/")


async def _sign_in_page(
    request: Request, fields: dict[str, str], error: str | None = None
) -> HTMLResponse:
    context = {
        "values": _kept(fields),
        "next": safe_next(fields.get("next")),
        "error": error,
    }
    return await render(request, "auth/sign_in.html", context, 422 if error else 200)


@router.get("/sign_in", response_model=None)
async def sign_in_form(request: Request, next: str = "") -> Response:
    return await _sign_in_page(request, {"next": next})


@router.post("/sign_in", response_model=None)
async def sign_in(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    fields = await form_fields(request)
    try:
        user = await authenticate(
            rt.db, rt.settings, fields.get("login", ""), fields.get("password", "")
        )
    except (Unauthorized, Forbidden) as error:
        return await _sign_in_page(request, fields, error.message)
    if await has_two_factor(rt.db, user.id):
        challenge = sign_in_challenge(rt.settings, user.id)
        return await _two_factor_page(request, challenge, fields.get("next"))
    return await _signed_in(request, rt, user, safe_next(fields.get("next")))


async def _two_factor_page(
    request: Request, challenge: str, next: str | None, error: str | None = None
) -> HTMLResponse:
    context = {"challenge": challenge, "next": safe_next(next), "error": error}
    return await render(request, "auth/two_factor.html", context, 422 if error else 200)


@router.post("/two_factor", response_model=None)
async def two_factor(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    """The sign-in's second step: the app's code or a backup code, after the password.

    Counted per IP with the sign-ins (weft/throttling.py) and here per account,
    so guessing from many addresses gets no further.
    """
    fields = await form_fields(request)
    challenge, next = fields.get("challenge", ""), fields.get("next")
    try:
        user_id = challenged_user(rt.settings, challenge)
    except Unauthorized as error:
        return await _sign_in_page(request, {"next": next or ""}, error.message)
    try:
        await check_rate(request, Response(), TWO_FACTOR, f"user:{user_id}")
        user = await check_second_factor(rt.db, rt.settings, user_id, fields.get("code", ""))
        check_may_sign_in(rt.settings, user)
    except (Unauthorized, Forbidden, RateLimited) as error:
        return await _two_factor_page(request, challenge, next, error.message)
    return await _signed_in(request, rt, user, safe_next(next))


@router.post("/sign_out", response_model=None)
async def sign_out(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    visitor = await load_visitor(request)
    if visitor.secret is not None:
        await end_session(rt.db, visitor.secret)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/confirmation", response_model=None)
async def confirmation(
    request: Request, token: str = "", rt: Runtime = Depends(runtime)
) -> Response:
    # A bad or used token raises NotFound: the 404 page says so.
    user = await confirm_email(rt.db, token)
    return await render(request, "auth/confirmed.html", {"email": user.email})
