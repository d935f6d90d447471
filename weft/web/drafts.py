"""Drafts in the browser (``/drafts``): the posts kept with the composer's
"Save draft", each opened in the composer again, published or deleted.

The rules are the API's (weft/actions/drafts.py); the composer's side (saving,
and deleting the draft once its post is published) is in ``compose.py``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from weft.actions.drafts import delete_draft, publish_draft
from weft.db.paging import Page
from weft.errors import Invalid, NotFound
from weft.limits import MAX_DRAFTS
from weft.models import ScheduledStatus, User
from weft.queries.accounts import parse_id
from weft.queries.drafts import own_drafts
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.compose import LABELS
from weft.web.templating import render

router = APIRouter()


@router.get("/drafts", response_model=None)
async def drafts_page(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    return await _page(request, rt, user)


@router.post("/drafts/{draft_id}/publish", response_model=None)
async def publish(
    request: Request,
    draft_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    try:
        status = await publish_draft(rt.db, rt.settings, user.account_id, parse_id(draft_id))
    except Invalid as error:
        label = LABELS.get(error.field, error.field)
        problem = f"This draft was not published: {label} {error.description}"
        return await _page(request, rt, user, problem, 422)
    except NotFound:
        problem = "This draft was not published: a post it replies to or quotes is gone."
        return await _page(request, rt, user, problem, 422)
    return RedirectResponse(f"/@{user.account.username}/{status.id}", status_code=303)


@router.post("/drafts/{draft_id}/delete", response_model=None)
async def delete(
    draft_id: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    await delete_draft(rt.db, user.account_id, parse_id(draft_id), scheduled=False)
    return RedirectResponse("/drafts", status_code=303)


async def drafts_count(rt: Runtime, account_id: int) -> int:
    """How many drafts the person keeps (for the links to ``/drafts``)."""
    async with rt.db.read() as session:
        rows = await own_drafts(session, account_id, Page(limit=MAX_DRAFTS), scheduled=False)
    return len(rows)


async def _page(
    request: Request, rt: Runtime, user: User, problem: str = "", status: int = 200
) -> Response:
    async with rt.db.read() as session:
        rows = await own_drafts(session, user.account_id, Page(limit=MAX_DRAFTS), scheduled=False)
    context = {"drafts": [_item(row) for row in rows], "problem": problem}
    return await render(request, "drafts.html", context, status)


def _item(row: ScheduledStatus) -> dict[str, Any]:
    params = row.params
    poll = params.get("poll")
    return {
        "id": str(row.id),
        "text": params.get("text") or "",
        "updated_at": row.updated_at.isoformat(),
        "media": len(params.get("media_ids") or ()),
        "poll": bool(poll),
        "ghost": bool(params.get("is_ghost_post")),
        "topic": params.get("topic_tag"),
        "reply": bool(params.get("in_reply_to_id")),
        "error": row.error,
    }
