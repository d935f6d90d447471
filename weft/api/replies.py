"""Managing replies, archiving, and quotes of one's posts.

Weft's own endpoints (under ``/api/weft/v1/``, with Threads' names): reply
approvals (``pending_replies``, approve, approve_all, ignore), hiding a reply
in one's conversation (``hide``, ``unhide``, ``hidden_replies``) and archiving
(``archive``, ``unarchive``). Mastodon 4.5's: the quotes of a post
(``GET /api/v1/statuses/:id/quotes``) and who may quote it
(``PUT /api/v1/statuses/:id/interaction_policy``). The rules are in
weft/actions/replies.py, weft/actions/archive.py and weft/actions/quotes.py.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from weft.actions.archive import archive_status, unarchive_status
from weft.actions.quotes import set_quote_policy
from weft.actions.replies import (
    approve_all_replies,
    approve_reply,
    hide_reply,
    ignore_reply,
    unhide_reply,
)
from weft.api.auth import Credentials, scoped_if_token, user_scoped
from weft.api.pagination import page_of
from weft.api.params import form
from weft.api.schemas import PAGING, answers, inputs, query
from weft.api.schemas.forms import QuotePolicyForm
from weft.api.schemas.statuses import Status as StatusEntity
from weft.api.serializers.statuses import status_entities
from weft.api.timelines import page_response
from weft.errors import Invalid
from weft.models import Status
from weft.queries import replies as queries
from weft.queries.accounts import parse_id
from weft.queries.status_bundle import load_bundle
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["replies and archive"])
WEFT = "/api/weft/v1/statuses/{status_id}"


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None  # user_scoped guarantees a person
    return credentials.account.id


def _viewer(credentials: Credentials | None) -> int | None:
    return credentials.account.id if credentials and credentials.account else None


async def _rendered(rt: Runtime, viewer_id: int, statuses: list[Status]) -> list[dict[str, Any]]:
    async with rt.db.read() as session:
        fresh = [s for s in [await session.get(Status, s.id) for s in statuses] if s is not None]
        bundle = await load_bundle(session, viewer_id, fresh)
    return status_entities(fresh, bundle, rt.settings)


async def _one(rt: Runtime, viewer_id: int, status: Status) -> dict[str, Any]:
    return (await _rendered(rt, viewer_id, [status]))[0]


# --- reply approvals --------------------------------------------------------------


@router.get(
    f"{WEFT}/pending_replies",
    summary="Weft: replies to one's post waiting for approval",
    **answers(list[StatusEntity]),
    **inputs(
        query(
            "approval_status",
            {"type": "string", "enum": ["pending", "ignored"], "default": "pending"},
            "Waiting (pending) or set aside (ignored). Threads' `approval_status`.",
        ),
        *PAGING,
    ),
)
async def pending_replies(
    status_id: str,
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    """Replies to one's post waiting for approval (``approval_status=pending``,
    the default) or set aside (``approval_status=ignored``), newest first."""
    approval_status = request.query_params.get("approval_status") or "pending"
    page = await queries.held_replies(
        rt.db, _me(credentials), parse_id(status_id), approval_status, page_of(request)
    )
    return page_response(request, rt, page)


@router.post(
    f"{WEFT}/pending_replies/approve_all",
    summary="Weft: approve every pending reply",
    **answers(list[StatusEntity], description="The replies approved"),
)
async def approve_all(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    """Approve every pending reply (not the ignored ones); answers those approved."""
    approved = await approve_all_replies(rt.db, _me(credentials), parse_id(status_id))
    return await _rendered(rt, _me(credentials), approved)


@router.post(
    f"{WEFT}/pending_replies/{{reply_id}}/approve",
    summary="Weft: approve a pending (or ignored) reply",
    description="The reply is shown to everyone who may see it; answers the reply.",
    **answers(StatusEntity),
)
async def approve(
    status_id: str,
    reply_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    reply = await approve_reply(rt.db, _me(credentials), parse_id(status_id), parse_id(reply_id))
    return await _one(rt, _me(credentials), reply)


@router.post(
    f"{WEFT}/pending_replies/{{reply_id}}/ignore",
    summary="Weft: set a pending reply aside",
    description="It stays unpublished; its author still sees it. Answers the reply.",
    **answers(StatusEntity),
)
async def ignore(
    status_id: str,
    reply_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    reply = await ignore_reply(rt.db, _me(credentials), parse_id(status_id), parse_id(reply_id))
    return await _one(rt, _me(credentials), reply)


# --- hidden replies ---------------------------------------------------------------


@router.post(
    f"{WEFT}/hide", summary="Weft: hide a reply in one's conversation", **answers(StatusEntity)
)
async def hide(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Hide a reply in a conversation one started, with the replies under it."""
    reply = await hide_reply(rt.db, _me(credentials), parse_id(status_id))
    return await _one(rt, _me(credentials), reply)


@router.post(
    f"{WEFT}/unhide",
    summary="Weft: show a hidden reply again",
    description="Answers the reply.",
    **answers(StatusEntity),
)
async def unhide(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    reply = await unhide_reply(rt.db, _me(credentials), parse_id(status_id))
    return await _one(rt, _me(credentials), reply)


@router.get(
    f"{WEFT}/hidden_replies",
    summary="Weft: the replies one hid",
    **answers(list[StatusEntity]),
    **inputs(*PAGING),
)
async def hidden_replies(
    status_id: str,
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    """The replies one hid in the conversation one's post started, newest first."""
    page = await queries.hidden_replies(
        rt.db, _me(credentials), parse_id(status_id), page_of(request)
    )
    return page_response(request, rt, page)


# --- archive ----------------------------------------------------------------------


@router.post(
    f"{WEFT}/archive",
    summary="Weft: archive one's post",
    description="Hidden from everyone else until unarchived; answers the post.",
    **answers(StatusEntity),
)
async def archive(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    status = await archive_status(rt.db, _me(credentials), parse_id(status_id))
    return await _one(rt, _me(credentials), status)


@router.post(
    f"{WEFT}/unarchive",
    summary="Weft: unarchive one's post",
    description="Shown again to those who may see it; answers the post.",
    **answers(StatusEntity),
)
async def unarchive(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    status = await unarchive_status(rt.db, _me(credentials), parse_id(status_id))
    return await _one(rt, _me(credentials), status)


# --- quotes (Mastodon 4.5) ----------------------------------------------------------


@router.get(
    "/api/v1/statuses/{status_id}/quotes",
    tags=["statuses"],
    summary="Quotes of a post",
    **answers(list[StatusEntity]),
    **inputs(*PAGING),
)
async def quotes(
    status_id: str,
    request: Request,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    """Accepted quotes of a post one may see (those one may see), newest first."""
    page = await queries.quotes_of(
        rt.db, _viewer(credentials), parse_id(status_id), page_of(request)
    )
    return page_response(request, rt, page)


class PolicyParams(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    quote_approval_policy: str | None = None


@router.put(
    "/api/v1/statuses/{status_id}/interaction_policy",
    tags=["statuses"],
    summary="Who may quote one's post",
    **answers(StatusEntity),
    **inputs(form=QuotePolicyForm),
)
async def interaction_policy(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: PolicyParams = form(PolicyParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Change who may quote one's post; answers the post."""
    if not params.quote_approval_policy:
        raise Invalid("quote_approval_policy", "is required", "ERR_BLANK")
    status = await set_quote_policy(
        rt.db, _me(credentials), parse_id(status_id), params.quote_approval_policy
    )
    return await _one(rt, _me(credentials), status)
