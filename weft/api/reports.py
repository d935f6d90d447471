"""Reports and moderation over the API.

- ``POST /api/v1/reports``: a person reports an account (and some of its posts).
- Mastodon's admin API for moderators and admins: ``/api/v1/admin/reports``
  (the queue: assign, resolve, reopen) and ``/api/v1/admin/accounts`` (the
  account actions and their undoing).
- Weft's: acting on a post, the appeals, the audit log (admins), and a
  person's own warnings with their one appeal each (a suspended person's
  token may still reach these two, and nothing else).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, field_validator

from weft.actions import moderation as actions
from weft.actions.registrations import approve_sign_up, reject_sign_up
from weft.actions.reports import ReportForm, file_report
from weft.api.auth import Credentials, bearer_token, load_credentials, user_scoped
from weft.api.params import bool_param, form
from weft.api.schemas import Empty, answers, inputs, query
from weft.api.schemas.moderation import AccountWarning as WarningSchema
from weft.api.schemas.moderation import AdminAccount, AdminReport, AuditEntry
from weft.api.schemas.moderation import Report as ReportSchema
from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.accounts import iso
from weft.api.token_verdict import INVALID
from weft.config import Settings
from weft.errors import Forbidden, Invalid, NotFound, Unauthorized
from weft.models import Account, AccountWarning, Appeal, Report, User
from weft.queries import moderation as queries
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["moderation"])
ADMIN = "/api/v1/admin"


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


def _ids(value: list[str] | str | None, name: str) -> list[int]:
    raw = [] if value is None else [value] if isinstance(value, str) else value
    try:
        return [parse_id(i) for i in raw if i != ""]
    except NotFound:
        raise Invalid(name, "must be ids") from None


def _id(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return parse_id(value)
    except NotFound:
        raise Invalid(name, "must be an id") from None


def staff(credentials: Credentials) -> int:
    """The moderator's or admin's account id; 403 for anyone else."""
    if credentials.user is None or not credentials.user.is_staff or credentials.account is None:
        raise Forbidden("This action is only for moderators and administrators")
    return credentials.account.id


# --- reports ------------------------------------------------------------------------


class ReportParams(_Params):
    account_id: str | None = None
    status_ids: list[str] | str | None = None
    comment: str = ""
    forward: bool = False
    category: str = "other"
    rule_ids: list[str] | str | None = None

    @field_validator("forward", mode="before")
    @classmethod
    def _rails_bool(cls, value: Any) -> bool:
        return bool(bool_param(value))


def report_entity(report: Report, target: Account, settings: Settings) -> dict[str, Any]:
    return {
        "id": str(report.id),
        "action_taken": report.action_taken_at is not None,
        "action_taken_at": iso(report.action_taken_at),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forwarded,
        "created_at": iso(report.created_at),
        "status_ids": [str(s) for s in report.status_ids] or None,
        "rule_ids": [str(r) for r in report.rule_ids] or None,
        "target_account": account_entity(target, settings),
    }


@router.post(
    "/api/v1/reports",
    summary="Report an account (and some of its posts) to the moderators",
    **answers(ReportSchema),
    **inputs(form=ReportParams),
)
async def create_report(
    params: ReportParams = form(ReportParams),
    credentials: Credentials = Depends(user_scoped("write:reports")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """``category``: spam, legal, violation (with ``rule_ids``) or other;
    ``forward``: send it on to a remote account's server too (a ``Flag``)."""
    assert credentials.account is not None
    target_id = _id(params.account_id, "account_id")
    if target_id is None:
        raise Invalid("account_id", "is missing", "ERR_BLANK")
    report = await file_report(
        rt.db,
        credentials.account.id,
        ReportForm(
            target_id=target_id,
            status_ids=_ids(params.status_ids, "status_ids"),
            comment=params.comment,
            category=params.category,
            rule_ids=_ids(params.rule_ids, "rule_ids"),
            forward=params.forward,
        ),
    )
    async with rt.db.read() as session:
        target = await session.get(Account, report.target_account_id)
    assert target is not None
    return report_entity(report, target, rt.settings)


# --- admin: accounts -----------------------------------------------------------------


def admin_account_entity(account: Account, user: User | None, settings: Settings) -> dict[str, Any]:
    """Mastodon's ``Admin::Account``."""
    return {
        "id": str(account.id),
        "username": account.username,
        "domain": account.domain,
        "created_at": iso(account.created_at),
        "email": user.email if user else None,
        "ip": user.sign_up_ip if user else None,
        "ips": [],
        "locale": user.locale if user else None,
        "invite_request": None,
        "role": {"name": user.role} if user else None,
        "confirmed": bool(user and user.is_confirmed),
        "approved": True,
        "disabled": bool(user and user.disabled),
        "silenced": account.silenced_at is not None,
        "suspended": account.suspended_at is not None,
        "sensitized": account.sensitized_at is not None,
        "account": account_entity(account, settings),
    }


@router.get(
    ADMIN + "/accounts",
    summary="Accounts, for moderators",
    **answers(list[AdminAccount]),
    **inputs(
        query("local", {"type": "boolean"}, "Local accounts only."),
        query("remote", {"type": "boolean"}, "Other servers' accounts only."),
        query("suspended", {"type": "boolean"}, "Suspended accounts only."),
        query("silenced", {"type": "boolean"}, "Limited accounts only."),
        query("username", {"type": "string"}, "Usernames containing this."),
        query("max_id", {"type": "string"}, "Older than this id."),
        query("limit", {"type": "integer"}, "How many (default 100, at most 200)."),
    ),
)
async def admin_accounts(
    request: Request,
    credentials: Credentials = Depends(user_scoped("admin:read:accounts")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    staff(credentials)
    q = request.query_params
    local = True if bool_param(q.get("local")) else False if bool_param(q.get("remote")) else None
    rows = await queries.admin_accounts(
        rt.db,
        local=local,
        suspended=bool(bool_param(q.get("suspended"))),
        silenced=bool(bool_param(q.get("silenced"))),
        username=q.get("username") or None,
        max_id=_id(q.get("max_id"), "max_id"),
        limit=_limit(q.get("limit")),
    )
    return [admin_account_entity(a, u, rt.settings) for a, u in rows]


def _limit(value: str | None) -> int:
    if value is None:
        return 100
    if not value.isdigit() or not 1 <= int(value) <= 200:
        raise Invalid("limit", "must be between 1 and 200")
    return int(value)


@router.get(
    ADMIN + "/accounts/{account_id}", summary="An account, for moderators", **answers(AdminAccount)
)
async def admin_account(
    account_id: str,
    credentials: Credentials = Depends(user_scoped("admin:read:accounts")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    staff(credentials)
    account, user = await queries.admin_account(rt.db, parse_id(account_id))
    return admin_account_entity(account, user, rt.settings)


class ActionParams(_Params):
    type: str = "none"
    report_id: str | None = None
    warning_preset_id: str | None = None
    text: str = ""
    send_email_notification: bool = True

    @field_validator("send_email_notification", mode="before")
    @classmethod
    def _rails_bool(cls, value: Any) -> bool:
        return bool(bool_param(value))


@router.post(
    ADMIN + "/accounts/{account_id}/action",
    summary="Act on an account: none (warn), sensitive, disable, silence or suspend",
    **answers(Empty),
    **inputs(form=ActionParams),
)
async def admin_account_action(
    account_id: str,
    params: ActionParams = form(ActionParams),
    credentials: Credentials = Depends(user_scoped("admin:write:accounts")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """The person sees the warning (``text``) and may appeal it once."""
    me = staff(credentials)
    await actions.act_on_account(
        rt.db,
        me,
        parse_id(account_id),
        params.type,
        report_id=_id(params.report_id, "report_id"),
        text=params.text,
    )
    return {}


async def _pending_sign_up(rt: Runtime, account_id: str) -> tuple[Account, User]:
    account, user = await queries.admin_account(rt.db, parse_id(account_id))
    if user is None:
        raise NotFound()
    return account, user


@router.post(
    ADMIN + "/accounts/{account_id}/approve",
    summary="Approve a sign-up waiting in the approval queue",
    **answers(AdminAccount),
)
async def admin_account_approve(
    account_id: str,
    credentials: Credentials = Depends(user_scoped("admin:write:accounts")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """404 for an account that is not waiting (weft/actions/registrations.py)."""
    staff(credentials)
    assert credentials.user is not None
    _, user = await _pending_sign_up(rt, account_id)
    await approve_sign_up(rt.db, rt.settings, credentials.user, user.id)
    account, user_now = await queries.admin_account(rt.db, parse_id(account_id))
    return admin_account_entity(account, user_now, rt.settings)


@router.post(
    ADMIN + "/accounts/{account_id}/reject",
    summary="Reject a sign-up waiting in the approval queue (the account is removed)",
    **answers(AdminAccount),
)
async def admin_account_reject(
    account_id: str,
    credentials: Credentials = Depends(user_scoped("admin:write:accounts")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """The account as it was: after this it is gone, and its name is free."""
    staff(credentials)
    assert credentials.user is not None
    account, user = await _pending_sign_up(rt, account_id)
    entity = admin_account_entity(account, user, rt.settings)
    await reject_sign_up(rt.db, credentials.user, user.id)
    return entity


def _undo_route(action: str) -> None:
    @router.post(
        ADMIN + "/accounts/{account_id}/" + action,
        summary=f"Undo on an account: {action}",
        **answers(AdminAccount),
        name=f"admin_account_{action}",
    )
    async def undo(
        account_id: str,
        credentials: Credentials = Depends(user_scoped("admin:write:accounts")),
        rt: Runtime = Depends(runtime),
    ) -> dict[str, Any]:
        me = staff(credentials)
        await actions.undo_on_account(rt.db, me, parse_id(account_id), action)
        account, user = await queries.admin_account(rt.db, parse_id(account_id))
        return admin_account_entity(account, user, rt.settings)


for _action in actions.UNDO_ACTIONS:
    _undo_route(_action)


# --- admin: reports ------------------------------------------------------------------


def status_summary(status: Any) -> dict[str, Any]:
    return {
        "id": str(status.id),
        "uri": status.uri,
        "url": status.url,
        "content": status.content,
        "created_at": iso(status.created_at),
        "visibility": status.visibility,
        "sensitive": status.sensitive,
    }


def admin_report_entity(ctx: queries.ReportContext, settings: Settings) -> dict[str, Any]:
    """Mastodon's ``Admin::Report``, its posts as a summary (id, content, ...)."""
    report = ctx.report

    def person(account_id: int | None) -> dict[str, Any] | None:
        account = ctx.accounts.get(account_id) if account_id is not None else None
        if account is None:
            return None
        return admin_account_entity(account, ctx.users.get(account.id), settings)

    return {
        "id": str(report.id),
        "action_taken": report.action_taken_at is not None,
        "action_taken_at": iso(report.action_taken_at),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forwarded,
        "created_at": iso(report.created_at),
        "updated_at": iso(report.updated_at),
        "account": person(report.account_id),
        "target_account": person(report.target_account_id),
        "assigned_account": person(report.assigned_account_id),
        "action_taken_by_account": person(report.action_taken_by_account_id),
        "statuses": [status_summary(s) for s in ctx.statuses],
        "rules": [{"id": str(r), "text": ""} for r in report.rule_ids],
        "chat_id": str(report.chat_id) if report.chat_id is not None else None,
        "chat_message_ids": [str(m) for m in report.chat_message_ids],
    }


@router.get(
    ADMIN + "/reports",
    summary="The report queue, newest first",
    **answers(list[AdminReport]),
    **inputs(
        query("resolved", {"type": "boolean"}, "Resolved reports instead of open ones."),
        query("target_account_id", {"type": "string"}, "Reports about this account."),
        query("max_id", {"type": "string"}, "Older than this id."),
        query("limit", {"type": "integer"}, "How many (default 100, at most 200)."),
    ),
)
async def admin_reports(
    request: Request,
    credentials: Credentials = Depends(user_scoped("admin:read:reports")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    staff(credentials)
    q = request.query_params
    found = await queries.list_reports(
        rt.db,
        resolved=bool(bool_param(q.get("resolved"))),
        target_account_id=_id(q.get("target_account_id"), "target_account_id"),
        max_id=_id(q.get("max_id"), "max_id"),
        limit=_limit(q.get("limit")),
    )
    return [admin_report_entity(c, rt.settings) for c in found]


@router.get(
    ADMIN + "/reports/{report_id}", summary="A report with its posts", **answers(AdminReport)
)
async def admin_report(
    report_id: str,
    credentials: Credentials = Depends(user_scoped("admin:read:reports")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    staff(credentials)
    return admin_report_entity(
        await queries.report_context(rt.db, parse_id(report_id)), rt.settings
    )


class ReportChange(_Params):
    category: str | None = None
    rule_ids: list[str] | str | None = None


@router.put(
    ADMIN + "/reports/{report_id}",
    summary="Change a report's category or rules",
    **answers(AdminReport),
    **inputs(form=ReportChange),
)
async def admin_report_change(
    report_id: str,
    params: ReportChange = form(ReportChange),
    credentials: Credentials = Depends(user_scoped("admin:write:reports")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    me = staff(credentials)
    rules = None if params.rule_ids is None else _ids(params.rule_ids, "rule_ids")
    await actions.update_report(rt.db, me, parse_id(report_id), params.category, rules)
    return admin_report_entity(
        await queries.report_context(rt.db, parse_id(report_id)), rt.settings
    )


def _report_route(verb: str, summary: str) -> None:
    @router.post(
        ADMIN + "/reports/{report_id}/" + verb,
        summary=summary,
        **answers(AdminReport),
        name=f"admin_report_{verb}",
    )
    async def handle(
        report_id: str,
        credentials: Credentials = Depends(user_scoped("admin:write:reports")),
        rt: Runtime = Depends(runtime),
    ) -> dict[str, Any]:
        me = staff(credentials)
        rid = parse_id(report_id)
        if verb in ("assign_to_self", "unassign"):
            await actions.assign_report(rt.db, me, rid, to_self=verb == "assign_to_self")
        else:
            await actions.resolve_report(rt.db, me, rid, resolved=verb == "resolve")
        return admin_report_entity(await queries.report_context(rt.db, rid), rt.settings)


for _verb, _summary in (
    ("assign_to_self", "Take a report"),
    ("unassign", "Leave a report to others"),
    ("resolve", "Mark a report resolved"),
    ("reopen", "Reopen a resolved report"),
):
    _report_route(_verb, _summary)


# --- Weft: posts, appeals, the audit log ------------------------------------------------


class StatusAction(_Params):
    report_id: str | None = None
    text: str = ""


def _status_route(action: str, summary: str) -> None:
    @router.post(
        "/api/weft/v1/admin/statuses/{status_id}/" + action,
        summary=summary,
        **answers(Empty),
        **inputs(form=StatusAction),
        name=f"admin_status_{action}",
    )
    async def act(
        status_id: str,
        params: StatusAction = form(StatusAction),
        credentials: Credentials = Depends(user_scoped("admin:write:reports")),
        rt: Runtime = Depends(runtime),
    ) -> dict[str, Any]:
        me = staff(credentials)
        await actions.moderate_status(
            rt.db,
            me,
            parse_id(status_id),
            action,
            report_id=_id(params.report_id, "report_id"),
            text=params.text,
        )
        return {}


_status_route("delete", "Weft: delete a post (its author is warned)")
_status_route("sensitive", "Weft: mark a post sensitive (its author is warned)")


def appeal_entity(appeal: Appeal | None) -> dict[str, Any] | None:
    if appeal is None:
        return None
    state = "approved" if appeal.approved_at else "rejected" if appeal.rejected_at else "pending"
    return {"id": str(appeal.id), "text": appeal.text, "state": state}


def warning_entity(warning: AccountWarning, appeal: Appeal | None) -> dict[str, Any]:
    return {
        "id": str(warning.id),
        "action": warning.action,
        "text": warning.text,
        "status_ids": [str(s) for s in warning.status_ids],
        "created_at": iso(warning.created_at),
        "overruled": warning.overruled_at is not None,
        "appeal": appeal_entity(appeal),
    }


@router.get(
    "/api/weft/v1/admin/appeals",
    summary="Weft: appeals waiting for a moderator, oldest first",
    **answers(list[WarningSchema]),
)
async def admin_appeals(
    credentials: Credentials = Depends(user_scoped("admin:read:reports")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    staff(credentials)
    rows = await queries.open_appeals(rt.db)
    return [{**warning_entity(r.warning, r.appeal), "account_id": str(r.account.id)} for r in rows]


def _appeal_route(verb: str) -> None:
    @router.post(
        "/api/weft/v1/admin/appeals/{appeal_id}/" + verb,
        summary=f"Weft: {verb} an appeal"
        + (" (the action is undone)" if verb == "approve" else ""),
        **answers(Empty),
        name=f"admin_appeal_{verb}",
    )
    async def handle(
        appeal_id: str,
        credentials: Credentials = Depends(user_scoped("admin:write:reports")),
        rt: Runtime = Depends(runtime),
    ) -> dict[str, Any]:
        me = staff(credentials)
        await actions.handle_appeal(rt.db, me, parse_id(appeal_id), approve=verb == "approve")
        return {}


_appeal_route("approve")
_appeal_route("reject")


@router.get(
    "/api/weft/v1/admin/audit_log",
    summary="Weft: the moderators' actions, newest first (admins only)",
    **answers(list[AuditEntry]),
    **inputs(query("max_id", {"type": "string"}, "Older than this id.")),
)
async def admin_audit_log(
    request: Request,
    credentials: Credentials = Depends(user_scoped("admin:read")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    if credentials.user is None or not credentials.user.is_admin:
        raise Forbidden("This action is only for administrators")
    rows = await queries.audit_log(rt.db, max_id=_id(request.query_params.get("max_id"), "max_id"))
    return [
        {
            "id": str(e.id),
            "account_id": str(e.account_id) if e.account_id is not None else None,
            "username": username,
            "action": e.action,
            "target_type": e.target_type,
            "target_id": str(e.target_id),
            "summary": e.summary,
            "created_at": iso(e.created_at),
        }
        for e, username in rows
    ]


# --- the person's own warnings -------------------------------------------------------------


async def warned_person(request: Request, rt: Runtime = Depends(runtime)) -> int:
    """The caller's account, a suspended one included (to read and appeal the
    suspension); any other refusal stands."""
    raw = bearer_token(request)
    credentials = await load_credentials(rt, raw) if raw else None
    if credentials is None or credentials.account is None or credentials.user is None:
        raise Unauthorized(INVALID)
    if credentials.user.disabled:
        raise Unauthorized(INVALID)
    if not ({"read", "write", "read:accounts", "write:accounts"} & credentials.scopes):
        raise Forbidden("This action is outside the authorized scopes")
    return credentials.account.id


@router.get(
    "/api/weft/v1/warnings",
    summary="Weft: the moderators' warnings to me, newest first",
    **answers(list[WarningSchema]),
)
async def my_warnings(
    me: int = Depends(warned_person), rt: Runtime = Depends(runtime)
) -> list[dict[str, Any]]:
    return [warning_entity(w, a) for w, a in await queries.my_warnings(rt.db, me)]


class AppealParams(_Params):
    text: str = ""


@router.post(
    "/api/weft/v1/warnings/{warning_id}/appeal",
    summary="Weft: appeal a warning (once)",
    **answers(WarningSchema),
    **inputs(form=AppealParams),
)
async def appeal_warning(
    warning_id: str,
    params: AppealParams = form(AppealParams),
    me: int = Depends(warned_person),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    await actions.file_appeal(rt.db, me, parse_id(warning_id), params.text)
    for warning, appeal in await queries.my_warnings(rt.db, me):
        if warning.id == parse_id(warning_id):
            return warning_entity(warning, appeal)
    raise NotFound()
