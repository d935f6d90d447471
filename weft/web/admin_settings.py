"""Admin > Server settings: the sign-up mode, the rules, the about texts, and
the queue of sign-ups waiting for approval. The pages parse and render; the
actions (weft/actions/registrations.py) check who may and what is allowed."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from weft.actions import registrations as actions
from weft.errors import Invalid, NotFound
from weft.models import User
from weft.queries.accounts import parse_id
from weft.queries.instance import (
    TEXT_KEYS,
    pending_sign_ups,
    registration,
    server_rules,
    site_texts,
)
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter(prefix="/admin/settings")

DONE = {
    "saved": "Saved.",
    "added": "The rule is added.",
    "removed": "The rule is removed.",
    "approved": "The sign-up is approved; they can sign in now.",
    "rejected": "The sign-up is rejected and the account removed.",
}
TEXT_LABELS = {
    "extended_description": "About this server",
    "privacy_policy": "Privacy policy",
    "terms_of_service": "Terms of service",
}


async def require_staff(user: User = Depends(require_user)) -> User:
    """Moderators see the queue; the other pages check for an admin in the actions."""
    if user.role not in ("admin", "moderator"):
        raise NotFound()
    return user


async def require_admin(user: User = Depends(require_user)) -> User:
    if not user.is_admin:
        raise NotFound()
    return user


def _done(request: Request) -> str | None:
    return DONE.get(request.query_params.get("done", ""))


async def _registrations_page(
    request: Request, rt: Runtime, errors: dict[str, str] | None = None
) -> HTMLResponse:
    context = {
        "section": "registrations",
        "reg": await registration(rt.db, rt.settings),
        "errors": errors or {},
        "done": _done(request),
    }
    status = 422 if errors else 200
    return await render(request, "admin/registrations.html", context, status)


@router.get("", response_model=None)
async def index(user: User = Depends(require_staff)) -> Response:
    target = "/admin/settings/registrations" if user.is_admin else "/admin/settings/sign_ups"
    return RedirectResponse(target, status_code=303)


@router.get("/registrations", response_class=HTMLResponse)
async def registrations_page(
    request: Request, user: User = Depends(require_admin), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    return await _registrations_page(request, rt)


@router.post("/registrations", response_model=None)
async def save_registrations(
    request: Request, user: User = Depends(require_admin), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    change = actions.RegistrationChange(
        mode=fields.get("mode", ""),
        message=fields.get("message", ""),
        invites_by=fields.get("invites_by", ""),
        show_domain_blocks=fields.get("show_domain_blocks", ""),
    )
    try:
        await actions.set_registrations(rt.db, user, change)
    except Invalid as error:
        return await _registrations_page(request, rt, {error.field: error.description})
    return RedirectResponse("/admin/settings/registrations?done=saved", status_code=303)


async def _rules_page(
    request: Request, rt: Runtime, error: str | None = None, values: dict[str, str] | None = None
) -> HTMLResponse:
    context = {
        "section": "rules",
        "rules": await server_rules(rt.db),
        "error": error,
        "values": values or {},
        "done": _done(request),
    }
    return await render(request, "admin/rules.html", context, 422 if error else 200)


@router.get("/rules", response_class=HTMLResponse)
async def rules_page(
    request: Request, user: User = Depends(require_admin), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    return await _rules_page(request, rt)


def _rule_error(error: Invalid) -> str:
    return f"{'Rule' if error.field == 'text' else 'Explanation'} {error.description}"


@router.post("/rules", response_model=None)
async def add_rule(
    request: Request, user: User = Depends(require_admin), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    text, hint = fields.get("text", ""), fields.get("hint", "")
    try:
        await actions.add_rule(rt.db, user, text, hint)
    except Invalid as error:
        return await _rules_page(request, rt, _rule_error(error), {"text": text, "hint": hint})
    return RedirectResponse("/admin/settings/rules?done=added", status_code=303)


@router.post("/rules/{rule_id}", response_model=None)
async def edit_rule(
    request: Request,
    rule_id: str,
    user: User = Depends(require_admin),
    rt: Runtime = Depends(runtime),
) -> Response:
    fields = await form_fields(request)
    try:
        await actions.update_rule(
            rt.db, user, parse_id(rule_id), fields.get("text", ""), fields.get("hint", "")
        )
    except Invalid as error:
        return await _rules_page(request, rt, _rule_error(error))
    return RedirectResponse("/admin/settings/rules?done=saved", status_code=303)


@router.post("/rules/{rule_id}/remove", response_model=None)
async def remove_rule(
    rule_id: str, user: User = Depends(require_admin), rt: Runtime = Depends(runtime)
) -> Response:
    await actions.delete_rule(rt.db, user, parse_id(rule_id))
    return RedirectResponse("/admin/settings/rules?done=removed", status_code=303)


async def _texts_page(
    request: Request, rt: Runtime, error: tuple[str, str] | None = None
) -> HTMLResponse:
    texts = await site_texts(rt.db)
    context = {
        "section": "texts",
        "texts": [(key, TEXT_LABELS[key], texts[key]) for key in TEXT_KEYS],
        "error": error,
        "done": _done(request),
    }
    return await render(request, "admin/texts.html", context, 422 if error else 200)


@router.get("/texts", response_class=HTMLResponse)
async def texts_page(
    request: Request, user: User = Depends(require_admin), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    return await _texts_page(request, rt)


@router.post("/texts", response_model=None)
async def save_texts(
    request: Request, user: User = Depends(require_admin), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    try:
        for key in TEXT_KEYS:
            if key in fields:
                await actions.set_site_text(rt.db, user, key, fields[key])
    except Invalid as error:
        message = f"{TEXT_LABELS.get(error.field, error.field)} {error.description}"
        return await _texts_page(request, rt, (error.field, message))
    return RedirectResponse("/admin/settings/texts?done=saved", status_code=303)


@router.get("/sign_ups", response_class=HTMLResponse)
async def queue_page(
    request: Request, user: User = Depends(require_staff), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    context = {
        "section": "sign_ups",
        "pending": await pending_sign_ups(rt.db),
        "done": _done(request),
    }
    return await render(request, "admin/sign_ups.html", context)


@router.post("/sign_ups/{user_id}/{verdict}", response_model=None)
async def decide(
    user_id: str,
    verdict: str,
    user: User = Depends(require_staff),
    rt: Runtime = Depends(runtime),
) -> Response:
    if verdict == "approve":
        await actions.approve_sign_up(rt.db, rt.settings, user, parse_id(user_id))
        return RedirectResponse("/admin/settings/sign_ups?done=approved", status_code=303)
    if verdict == "reject":
        await actions.reject_sign_up(rt.db, user, parse_id(user_id))
        return RedirectResponse("/admin/settings/sign_ups?done=rejected", status_code=303)
    raise NotFound()
