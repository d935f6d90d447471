"""Settings → Two-factor: set up TOTP (a QR code to scan), confirm it with a
code, see the backup codes once, make new ones, turn it off with the password.

Every form calls an action of weft/actions/two_factor.py; a refused input
re-renders the page with the action's message under its field.
"""

from __future__ import annotations

from typing import Any

import segno
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from weft.actions.two_factor import (
    begin_two_factor,
    confirm_two_factor,
    disable_two_factor,
    regenerate_backup_codes,
    two_factor_state,
)
from weft.errors import Invalid
from weft.models import User
from weft.runtime import Runtime, runtime
from weft.security import totp_uri
from weft.web.common import require_user
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter(prefix="/settings/two_factor")

LABELS = {"code": "Code", "password": "Password", "two_factor": "Two-factor sign-in"}
DONE = {"off": "Two-factor sign-in is off."}


def qr_svg(uri: str) -> Markup:
    """The ``otpauth://`` address as an inline SVG QR code (dark on light in both themes:
    scanners need the contrast)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", svgclass="qr-code"
    )
    labelled = svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-caption" ', 1)
    return Markup(labelled)  # noqa: S704 (segno's own markup around our URI, escaped by it)


async def _page(
    request: Request,
    rt: Runtime,
    user: User,
    *,
    codes: list[str] | None = None,
    errors: dict[str, str] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    state = await two_factor_state(rt.db, rt.settings, user.id)
    context: dict[str, Any] = {
        "section": "two_factor",
        "state": state,
        "codes": codes,
        "errors": errors or {},
        "done": DONE.get(done or ""),
    }
    if state.pending_secret is not None:
        name = f"{user.account.username}@{rt.settings.domain}"
        context["qr"] = qr_svg(totp_uri(state.pending_secret, name, rt.settings.instance_title))
        secret = state.pending_secret
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return await render(request, "settings/two_factor.html", context, 422 if errors else 200)


def _errors(error: Invalid) -> dict[str, str]:
    label = LABELS.get(error.field, error.field.capitalize())
    return {error.field: f"{label} {error.description}"}


@router.get("", response_class=HTMLResponse)
async def show(
    request: Request,
    done: str = "",
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> HTMLResponse:
    return await _page(request, rt, user, done=done)


@router.post("/start", response_model=None)
async def start(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    try:
        await begin_two_factor(rt.db, rt.settings, user)
    except Invalid as error:
        return await _page(request, rt, user, errors=_errors(error))
    return RedirectResponse("/settings/two_factor", status_code=303)


@router.post("/confirm", response_model=None)
async def confirm(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    try:
        codes = await confirm_two_factor(rt.db, rt.settings, user, fields.get("code", ""))
    except Invalid as error:
        return await _page(request, rt, user, errors=_errors(error))
    return await _page(request, rt, user, codes=codes)


@router.post("/backup_codes", response_model=None)
async def backup_codes(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    try:
        codes = await regenerate_backup_codes(rt.db, rt.settings, user, fields.get("password", ""))
    except Invalid as error:
        return await _page(request, rt, user, errors=_errors(error))
    return await _page(request, rt, user, codes=codes)


@router.post("/disable", response_model=None)
async def disable(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    try:
        await disable_two_factor(rt.db, user, fields.get("disable_password", ""))
    except Invalid as error:
        return await _page(
            request, rt, user, errors={"disable_password": _errors(error)[error.field]}
        )
    return RedirectResponse("/settings/two_factor?done=off", status_code=303)
