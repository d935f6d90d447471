"""Managing replies and archiving from a post's page: the buttons (plain forms,
a 303 back to the page they were on) and what the page shows its author.

The post's author sees its replies waiting for approval (approve, ignore,
approve all) and, for a conversation they started, a "Hide" button under each
reply and the replies they hid ("Unhide"). The rules are in
weft/actions/replies.py and weft/actions/archive.py; the lists come from
weft/queries/replies.py, as the API's do.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from weft.actions.archive import archive_status, unarchive_status
from weft.actions.replies import (
    approve_all_replies,
    approve_reply,
    hide_reply,
    ignore_reply,
    unhide_reply,
)
from weft.api.serializers.statuses import status_entities
from weft.db.paging import Page
from weft.models import Status, User
from weft.queries import replies as queries
from weft.runtime import Runtime
from weft.runtime import runtime as runtime_dependency
from weft.web.auth import safe_next
from weft.web.common import require_user
from weft.web.session import form_fields

router = APIRouter()
SHOWN = 40  # held or hidden replies listed on a post's page


async def _back(request: Request, fallback: str) -> RedirectResponse:
    fields = await form_fields(request)
    return RedirectResponse(safe_next(fields.get("next") or fallback), status_code=303)


@router.post("/statuses/{status_id:int}/pending_replies/{reply_id:int}/approve")
async def approve(
    status_id: int,
    reply_id: int,
    request: Request,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime_dependency),
) -> RedirectResponse:
    await approve_reply(rt.db, user.account_id, status_id, reply_id)
    return await _back(request, "/")


@router.post("/statuses/{status_id:int}/pending_replies/{reply_id:int}/ignore")
async def ignore(
    status_id: int,
    reply_id: int,
    request: Request,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime_dependency),
) -> RedirectResponse:
    await ignore_reply(rt.db, user.account_id, status_id, reply_id)
    return await _back(request, "/")


@router.post("/statuses/{status_id:int}/pending_replies/approve_all")
async def approve_all(
    status_id: int,
    request: Request,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime_dependency),
) -> RedirectResponse:
    await approve_all_replies(rt.db, user.account_id, status_id)
    return await _back(request, "/")


@router.post("/statuses/{status_id:int}/hide")
async def hide(
    status_id: int,
    request: Request,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime_dependency),
) -> RedirectResponse:
    await hide_reply(rt.db, user.account_id, status_id)
    return await _back(request, "/")


@router.post("/statuses/{status_id:int}/unhide")
async def unhide(
    status_id: int,
    request: Request,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime_dependency),
) -> RedirectResponse:
    await unhide_reply(rt.db, user.account_id, status_id)
    return await _back(request, "/")


@router.post("/statuses/{status_id:int}/archive")
async def archive(
    status_id: int,
    request: Request,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime_dependency),
) -> RedirectResponse:
    await archive_status(rt.db, user.account_id, status_id)
    return await _back(request, "/")


@router.post("/statuses/{status_id:int}/unarchive")
async def unarchive(
    status_id: int,
    request: Request,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime_dependency),
) -> RedirectResponse:
    await unarchive_status(rt.db, user.account_id, status_id)
    return await _back(request, "/")


async def managed_replies(
    rt: Runtime, viewer_id: int | None, status: Status, ancestors: list[Status]
) -> dict[str, Any]:
    """What the post's page shows its author: the replies waiting (``pending``,
    ``ignored``) and, when the conversation is theirs, ``can_hide`` and the
    replies they hid (``hidden``)."""
    found: dict[str, Any] = {"pending": [], "ignored": [], "hidden": [], "can_hide": False}
    if viewer_id is None:
        return found
    root = ancestors[0] if ancestors else status
    if status.account_id == viewer_id:
        for state in ("pending", "ignored"):
            page = await queries.held_replies(rt.db, viewer_id, status.id, state, Page(limit=SHOWN))
            found[state] = status_entities(page.statuses, page.bundle, rt.settings)
    if root.account_id == viewer_id:
        found["can_hide"] = True
        if root.id == status.id:
            page = await queries.hidden_replies(rt.db, viewer_id, root.id, Page(limit=SHOWN))
            found["hidden"] = status_entities(page.statuses, page.bundle, rt.settings)
    return found
