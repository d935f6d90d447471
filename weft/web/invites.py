"""Invite links: ``/invite/<code>`` opens the sign-up form with the code,
``/invites`` is where people make and revoke theirs
(weft/actions/registrations.py decides who may, and what a link allows)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from weft.actions import registrations as actions
from weft.errors import Forbidden, Invalid
from weft.models import User
from weft.models.base import utcnow
from weft.queries.accounts import parse_id
from weft.queries.instance import find_invite, invites_of, registration
from weft.runtime import Runtime, runtime
from weft.web.auth import sign_up_page
from weft.web.common import require_user
from weft.web.session import current_user, form_fields
from weft.web.templating import render

router = APIRouter()

EXPIRY_LABELS = {
    "1800": "30 minutes",
    "3600": "1 hour",
    "21600": "6 hours",
    "43200": "12 hours",
    "86400": "1 day",
    "604800": "1 week",
    "never": "Never",
}
USES_LABELS = {"": "No limit", "1": "1 use", "5": "5 uses", "10": "10 uses", "25": "25 uses"}
USES_LABELS |= {"50": "50 uses", "100": "100 uses"}


@router.get("/invite/{code}", response_model=None)
async def invite_link(
    request: Request,
    code: str,
    user: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    if user is not None:
        return RedirectResponse("/", status_code=303)
    problem = actions.invite_problem(await find_invite(rt.db, code))
    if problem is None and (await registration(rt.db, rt.settings)).mode == "closed":
        problem = actions.CLOSED
    if problem is not None:
        status = 404 if problem == actions.INVITE_UNKNOWN else 410
        return await render(request, "auth/invite_problem.html", {"problem": problem}, status)
    return await sign_up_page(request, rt, {"invite_code": code})


async def _page(request: Request, rt: Runtime, user: User, error: str | None = None) -> Response:
    reg = await registration(rt.db, rt.settings)
    allowed = reg.mode != "closed" and (reg.invites_by == "users" or user.is_admin)
    context = {
        "section": "invites",
        "invites": await invites_of(rt.db, user.id),
        "allowed": allowed,
        "closed": reg.mode == "closed",
        "expiries": EXPIRY_LABELS,
        "uses": USES_LABELS,
        "error": error,
        "now": utcnow(),
        "base_url": rt.settings.base_url,
        "done": request.query_params.get("done") == "made",
    }
    return await render(request, "invites.html", context, 422 if error else 200)


@router.get("/invites", response_class=HTMLResponse)
async def invites_page(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    return await _page(request, rt, user)


@router.post("/invites", response_model=None)
async def make_invite(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    expiry, uses = fields.get("expires_in", ""), fields.get("max_uses", "")
    try:
        if expiry not in EXPIRY_LABELS:
            raise Invalid("expires_in", "must be one of the offered durations")
        if uses not in USES_LABELS:
            raise Invalid("max_uses", "must be one of the offered numbers")
        await actions.create_invite(
            rt.db,
            rt.settings,
            user,
            expires_in=None if expiry == "never" else int(expiry),
            max_uses=int(uses) if uses else None,
        )
    except Invalid as error:
        label = "Expires after" if error.field == "expires_in" else "Uses"
        return await _page(request, rt, user, f"{label} {error.description}")
    except Forbidden as error:
        return await _page(request, rt, user, error.message)
    return RedirectResponse("/invites?done=made", status_code=303)


@router.post("/invites/{invite_id}/revoke", response_model=None)
async def revoke(
    invite_id: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    await actions.revoke_invite(rt.db, user, parse_id(invite_id))
    return RedirectResponse("/invites", status_code=303)
