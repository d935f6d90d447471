"""Settings pages: profile, privacy, blocked and muted people, sessions, authorized apps.

Each form calls the action the API calls (``update_profile``,
``set_profile_image``, ``unblock_account``, ``revoke_session``,
``revoke_authorizations``); a refused input re-renders the form with the
action's message under the field, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from weft.actions import accounts as account_actions
from weft.actions.graph import unblock_account, unmute_account
from weft.actions.notification_policy import check_policy, update_policy
from weft.actions.oauth import revoke_authorizations
from weft.actions.profile_images import (
    Photo,
    photo_from_file,
    remove_profile_image,
    set_profile_image,
)
from weft.actions.sessions import revoke_session
from weft.config import Settings
from weft.db.paging import Page
from weft.errors import Invalid, NotFound
from weft.limits import MAX_PROFILE_FIELDS
from weft.models import User
from weft.queries import graph as graph_queries
from weft.queries.accounts import get_account, parse_id
from weft.queries.notification_requests import policy_view
from weft.queries.sign_ins import authorized_apps, web_sessions
from weft.runtime import Runtime, runtime, runtime_of
from weft.web.common import require_user
from weft.web.drafts import drafts_count
from weft.web.session import form_fields, load_visitor
from weft.web.templating import render

router = APIRouter(prefix="/settings")

LIST_LIMIT = 80
VISIBILITIES = (
    ("public", "Public: anyone can see it"),
    ("unlisted", "Quiet public: anyone with the link, left out of public feeds"),
    ("private", "Followers only"),
    ("direct", "Mentioned people only"),
)
CHAT_POLICIES = (
    ("everyone", "Everyone (people you don't follow land in Requests)"),
    ("following", "Only people you follow"),
    ("nobody", "Nobody"),
)
MENTION_POLICIES = (
    ("everyone", "Everyone"),
    ("following", "Only people you follow"),
    ("followers", "Only your followers"),
)
# Notification filtering (Mastodon 4.3+'s policy): whose notifications, and what to do.
NOTIFICATION_RULES = (
    ("for_not_following", "People you don't follow"),
    ("for_not_followers", "People who don't follow you"),
    ("for_new_accounts", "Accounts made in the last 30 days"),
    ("for_private_mentions", "Unsolicited private mentions"),
    ("for_limited_accounts", "Accounts limited by moderators"),
)
NOTIFICATION_ACTIONS = (
    ("accept", "Show"),
    ("filter", "Keep aside in Filtered notifications"),
    ("drop", "Ignore"),
)
PRIVACY_FLAGS = ("locked", "discoverable", "indexable", "hide_collections", "federated")
LABELS = {
    "display_name": "Display name",
    "note": "Bio",
    "fields": "Links",
    "avatar": "Profile picture",
    "header": "Header picture",
    "source[privacy]": "Default post visibility",
    "chat_policy": "Who can message you",
}


def _error_for(error: Invalid) -> dict[str, str]:
    field = "default_privacy" if error.field == "source[privacy]" else error.field
    label = LABELS.get(error.field, error.field.replace("_", " ").capitalize())
    return {field: f"{label} {error.description}"}


@router.get("", response_class=HTMLResponse)
async def index(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    context = {"section": "index", "drafts": await drafts_count(rt, user.account_id)}
    return await render(request, "settings/index.html", context)


# --- profile -----------------------------------------------------------------------------


def _profile_values(user: User) -> dict[str, Any]:
    account = user.account
    fields = [(f.get("name", ""), f.get("value", "")) for f in account.fields]
    fields += [("", "")] * (MAX_PROFILE_FIELDS - len(fields))
    return {
        "display_name": account.display_name,
        "note": account.note,
        "fields": fields,
        "locked": account.locked,
        "discoverable": account.discoverable,
    }


async def _profile_page(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    saved: bool = False,
) -> HTMLResponse:
    user = (await load_visitor(request)).user
    assert user is not None
    rt = runtime_of(request)
    context = {
        "section": "profile",
        "values": values,
        "errors": errors or {},
        "saved": saved,
        "account": await get_account(rt.db, user.account_id),
        "settings": rt.settings,
    }
    return await render(request, "settings/profile.html", context, 422 if errors else 200)


@router.get("/profile", response_class=HTMLResponse)
async def profile_form(request: Request, user: User = Depends(require_user)) -> HTMLResponse:
    return await _profile_page(
        request, _profile_values(user), saved=request.query_params.get("saved") == "1"
    )


def _posted_profile(fields: dict[str, str]) -> dict[str, Any]:
    rows = [
        (fields.get(f"field_name_{n}", ""), fields.get(f"field_value_{n}", ""))
        for n in range(MAX_PROFILE_FIELDS)
    ]
    return {
        "display_name": fields.get("display_name", ""),
        "note": fields.get("note", ""),
        "fields": rows,
        "locked": fields.get("locked") == "1",
        "discoverable": fields.get("discoverable") == "1",
    }


@router.post("/profile", response_model=None)
async def save_profile(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    return await _save_profile(request, user, rt)


async def _save_profile(request: Request, user: User, rt: Runtime) -> Response:
    fields = await form_fields(request)
    values = _posted_profile(fields)
    change = account_actions.ProfileChange(
        display_name=values["display_name"],
        note=values["note"],
        fields=values["fields"],
        locked=values["locked"],
        discoverable=values["discoverable"],
    )
    try:
        photos = await _posted_photos(request, rt.settings)
        await account_actions.update_profile(rt.db, user.account_id, change)
    except Invalid as error:
        return await _profile_page(request, values, _error_for(error))
    for photo in photos:
        await set_profile_image(rt.db, rt.settings, user.account_id, photo)
    for which in ("avatar", "header"):
        if fields.get(f"remove_{which}") == "1" and which not in {p.which for p in photos}:
            await remove_profile_image(rt.db, rt.settings, user.account_id, which)
    return RedirectResponse("/settings/profile?saved=1", status_code=303)


async def _posted_photos(request: Request, settings: Settings) -> list[Photo]:
    """The avatar and header files sent with the form, checked and cropped."""
    form = await request.form()
    photos = []
    for which in ("avatar", "header"):
        upload = form.get(which)
        if isinstance(upload, UploadFile) and upload.filename:
            photos.append(await photo_from_file(settings, which, upload.file))
    return photos


# --- privacy -----------------------------------------------------------------------------


async def _privacy_page(
    request: Request, values: dict[str, Any], errors: dict[str, str] | None = None
) -> HTMLResponse:
    context = {
        "section": "privacy",
        "values": values,
        "errors": errors or {},
        "visibilities": VISIBILITIES,
        "chat_policies": CHAT_POLICIES,
        "mention_policies": MENTION_POLICIES,
        "notification_rules": NOTIFICATION_RULES,
        "notification_actions": NOTIFICATION_ACTIONS,
        "saved": request.query_params.get("saved") == "1",
    }
    return await render(request, "settings/privacy.html", context, 422 if errors else 200)


@router.get("/privacy", response_class=HTMLResponse)
async def privacy_form(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    account = user.account
    values: dict[str, Any] = {flag: getattr(account, flag) for flag in PRIVACY_FLAGS}
    values["default_privacy"] = user.default_privacy
    values["chat_policy"] = user.chat_policy
    values["mention_policy"] = user.mention_policy
    rules = (await policy_view(rt.db, user.account_id)).rules
    values.update({name: getattr(rules, name) for name, _ in NOTIFICATION_RULES})
    return await _privacy_page(request, values)


@router.post("/privacy", response_model=None)
async def save_privacy(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    values: dict[str, Any] = {flag: fields.get(flag) == "1" for flag in PRIVACY_FLAGS}
    values["default_privacy"] = fields.get("default_privacy", "")
    values["chat_policy"] = fields.get("chat_policy") or None  # unchanged when not sent
    values["mention_policy"] = fields.get("mention_policy") or None
    rules = {name: fields[name] for name, _ in NOTIFICATION_RULES if fields.get(name)}
    change = account_actions.ProfileChange(**values)
    try:
        check_policy(rules)  # before anything is written: all or nothing
        await account_actions.update_profile(rt.db, user.account_id, change)
        await update_policy(rt.db, user.account_id, rules)
    except Invalid as error:
        return await _privacy_page(request, {**values, **rules}, _error_for(error))
    return RedirectResponse("/settings/privacy?saved=1", status_code=303)


# --- blocked and muted -------------------------------------------------------------------


@router.get("/blocks", response_class=HTMLResponse)
async def blocks(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    listed = await graph_queries.blocks(rt.db, user.account_id, Page(limit=LIST_LIMIT))
    context = {"section": "blocks", "listed": listed, "done": request.query_params.get("done")}
    return await render(request, "settings/blocks.html", context)


@router.get("/mutes", response_class=HTMLResponse)
async def mutes(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    listed = await graph_queries.mutes(rt.db, user.account_id, Page(limit=LIST_LIMIT))
    context = {"section": "mutes", "listed": listed, "done": request.query_params.get("done")}
    return await render(request, "settings/mutes.html", context)


@router.post("/blocks/{account_id}/unblock", response_model=None)
async def unblock(
    account_id: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    await unblock_account(rt.db, user.account_id, parse_id(account_id))
    return RedirectResponse("/settings/blocks?done=unblocked", status_code=303)


@router.post("/mutes/{account_id}/unmute", response_model=None)
async def unmute(
    account_id: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    await unmute_account(rt.db, user.account_id, parse_id(account_id))
    return RedirectResponse("/settings/mutes?done=unmuted", status_code=303)


# --- sessions and apps -------------------------------------------------------------------


@router.get("/sessions", response_class=HTMLResponse)
async def sessions(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    current = (await load_visitor(request)).session
    context = {
        "section": "sessions",
        "sessions": await web_sessions(rt.db, user.id),
        "current_id": current.id if current else None,
        "done": request.query_params.get("done"),
    }
    return await render(request, "settings/sessions.html", context)


@router.post("/sessions/{session_id}/revoke", response_model=None)
async def revoke(
    session_id: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    if not await revoke_session(rt.db, user.id, parse_id(session_id)):
        raise NotFound("That session has already ended.")
    return RedirectResponse("/settings/sessions?done=revoked", status_code=303)


@router.get("/apps", response_class=HTMLResponse)
async def apps(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    context = {
        "section": "apps",
        "apps": await authorized_apps(rt.db, user.id),
        "done": request.query_params.get("done"),
    }
    return await render(request, "settings/apps.html", context)


@router.post("/apps/{app_id}/revoke", response_model=None)
async def revoke_app(
    app_id: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    if not await revoke_authorizations(rt.db, user.id, parse_id(app_id)):
        raise NotFound("That app has no access to your account.")
    return RedirectResponse("/settings/apps?done=revoked", status_code=303)
