"""Moderation pages for moderators and admins (``/admin/...``): the report
queue with the appeals, a report with its context and the actions, and the
audit log (admins). They call the same actions and queries as the admin API
(weft/api/reports.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from weft.actions import moderation as actions
from weft.errors import Forbidden, Invalid
from weft.models import User
from weft.queries import moderation as queries
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter(prefix="/admin")
ACTION_LABELS = {
    "none": "Warn",
    "sensitive": "Mark media sensitive",
    "disable": "Freeze sign-in",
    "silence": "Limit",
    "suspend": "Suspend",
}
DONE = {
    "assigned": "You took this report.",
    "unassigned": "The report is left to others.",
    "resolved": "The report is resolved.",
    "reopened": "The report is open again.",
    "acted": "Done: the account was acted on and the report resolved.",
    "post": "Done: the post was handled and the report resolved.",
    "appeal": "The appeal was answered.",
}


async def require_staff(user: User = Depends(require_user)) -> User:
    if not user.is_staff:
        raise Forbidden("This page is only for moderators and administrators")
    return user


def _content(html: str) -> Markup:
    # Post content is HTML sanitized when it was stored (weft/text, nh3).
    return Markup(html)  # noqa: S704


@router.get("", response_model=None)
async def index(user: User = Depends(require_staff)) -> Response:
    return RedirectResponse("/admin/reports", status_code=303)


@router.get("/reports", response_class=HTMLResponse)
async def report_queue(
    request: Request, user: User = Depends(require_staff), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    resolved = request.query_params.get("resolved") == "1"
    context = {
        "section": "resolved" if resolved else "reports",
        "reports": await queries.list_reports(rt.db, resolved=resolved),
        "appeals": [] if resolved else await queries.open_appeals(rt.db),
        "is_admin": user.is_admin,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return await render(request, "admin/reports.html", context)


async def _report_page(
    request: Request, rt: Runtime, user: User, report_id: int, error: str | None = None
) -> HTMLResponse:
    ctx = await queries.report_context(rt.db, report_id)
    context: dict[str, Any] = {
        "section": "reports",
        "ctx": ctx,
        "report": ctx.report,
        "reporter": ctx.accounts.get(ctx.report.account_id),
        "target": ctx.accounts.get(ctx.report.target_account_id),
        "assigned": ctx.accounts.get(ctx.report.assigned_account_id or 0),
        "posts": [(s, _content(s.content)) for s in ctx.statuses],
        "actions": ACTION_LABELS,
        "is_admin": user.is_admin,
        "me": user.account_id,
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return await render(request, "admin/report.html", context, 422 if error else 200)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
async def report_page(
    report_id: str,
    request: Request,
    user: User = Depends(require_staff),
    rt: Runtime = Depends(runtime),
) -> HTMLResponse:
    return await _report_page(request, rt, user, parse_id(report_id))


@router.post("/reports/{report_id}/{verb}", response_model=None)
async def report_verb(
    report_id: str,
    verb: str,
    request: Request,
    user: User = Depends(require_staff),
    rt: Runtime = Depends(runtime),
) -> Response:
    rid = parse_id(report_id)
    back = f"/admin/reports/{rid}?done="
    if verb in ("assign", "unassign"):
        await actions.assign_report(rt.db, user.account_id, rid, to_self=verb == "assign")
        return RedirectResponse(back + verb + "ed", status_code=303)
    if verb in ("resolve", "reopen"):
        await actions.resolve_report(rt.db, user.account_id, rid, resolved=verb == "resolve")
        return RedirectResponse(back + ("resolved" if verb == "resolve" else "reopened"), 303)
    if verb == "action":
        fields = await form_fields(request)
        ctx = await queries.report_context(rt.db, rid)
        try:
            await actions.act_on_account(
                rt.db,
                user.account_id,
                ctx.report.target_account_id,
                fields.get("type", ""),
                report_id=rid,
                text=fields.get("text", ""),
            )
        except Invalid as error:
            label = "Message" if error.field == "text" else "Action"
            return await _report_page(request, rt, user, rid, f"{label} {error.description}")
        except Forbidden as error:
            return await _report_page(request, rt, user, rid, error.message)
        return RedirectResponse(back + "acted", status_code=303)
    raise Invalid("action", "is not one of assign, unassign, resolve, reopen, action")


@router.post("/reports/{report_id}/statuses/{status_id}/{verb}", response_model=None)
async def report_post(
    report_id: str,
    status_id: str,
    verb: str,
    request: Request,
    user: User = Depends(require_staff),
    rt: Runtime = Depends(runtime),
) -> Response:
    rid = parse_id(report_id)
    fields = await form_fields(request)
    await actions.moderate_status(
        rt.db,
        user.account_id,
        parse_id(status_id),
        verb,
        report_id=rid,
        text=fields.get("text", ""),
    )
    return RedirectResponse(f"/admin/reports/{rid}?done=post", status_code=303)


@router.post("/appeals/{appeal_id}/{verb}", response_model=None)
async def appeal_verb(
    appeal_id: str, verb: str, user: User = Depends(require_staff), rt: Runtime = Depends(runtime)
) -> Response:
    if verb not in ("approve", "reject"):
        raise Invalid("action", "must be approve or reject")
    await actions.handle_appeal(
        rt.db, user.account_id, parse_id(appeal_id), approve=verb == "approve"
    )
    return RedirectResponse("/admin/reports?done=appeal", status_code=303)


@router.get("/audit_log", response_class=HTMLResponse)
async def audit_log(
    request: Request, user: User = Depends(require_staff), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    if not user.is_admin:
        raise Forbidden("The audit log is only for administrators")
    context = {"section": "audit_log", "entries": await queries.audit_log(rt.db), "is_admin": True}
    return await render(request, "admin/audit_log.html", context)
