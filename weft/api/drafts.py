"""Posts kept for later: Mastodon's ``/api/v1/scheduled_statuses`` and Weft's
``/api/weft/v1/drafts`` (the rules are in weft/actions/drafts.py).

A draft is made and changed with the parameters of ``POST /api/v1/statuses``;
``POST /api/weft/v1/drafts/:id/publish`` posts it now, or, with
``scheduled_at``, makes it a scheduled post.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from weft.actions.drafts import (
    delete_draft,
    own,
    publish_draft,
    reschedule,
    save_draft,
    update_draft,
)
from weft.api.auth import Credentials, user_scoped
from weft.api.pagination import page_of, paged_json
from weft.api.params import form
from weft.api.schemas import PAGING, Empty, answers, inputs
from weft.api.schemas.forms import ScheduleForm, StatusForm
from weft.api.schemas.statuses import ScheduledStatus, Status
from weft.api.serializers.drafts import scheduled_entities, scheduled_entity
from weft.api.serializers.statuses import status_entities
from weft.api.statuses import StatusParams, scheduled_time, status_draft
from weft.errors import Invalid
from weft.queries.accounts import parse_id
from weft.queries.drafts import own_drafts
from weft.queries.status_bundle import load_bundle
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["drafts"])
DRAFTS = "/api/weft/v1/drafts"
SCHEDULED = "/api/v1/scheduled_statuses"


class ScheduleParams(BaseModel):
    """``scheduled_at`` alone (``PUT /api/v1/scheduled_statuses/:id``, a draft's publish)."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    scheduled_at: str | None = None

    def schedule(self) -> datetime | None:
        return scheduled_time(self.scheduled_at)


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None  # user_scoped guarantees a person
    return credentials.account.id


async def _list(request: Request, rt: Runtime, me: int, *, scheduled: bool) -> JSONResponse:
    page = page_of(request)
    async with rt.db.read() as session:
        rows = await own_drafts(session, me, page, scheduled=scheduled)
    return paged_json(request, await scheduled_entities(rt, rows), [r.id for r in rows])


async def _one(rt: Runtime, me: int, raw_id: str, *, scheduled: bool) -> dict[str, Any]:
    async with rt.db.read() as session:
        row = await own(session, me, parse_id(raw_id), scheduled=scheduled)
    return await scheduled_entity(rt, row)


# --- Mastodon's scheduled statuses ---------------------------------------------------


@router.get(
    SCHEDULED,
    summary="One's scheduled posts",
    **answers(list[ScheduledStatus]),
    **inputs(*PAGING),
)
async def scheduled_index(
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    return await _list(request, rt, _me(credentials), scheduled=True)


@router.get(SCHEDULED + "/{row_id}", summary="A scheduled post", **answers(ScheduledStatus))
async def scheduled_show(
    row_id: str,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    return await _one(rt, _me(credentials), row_id, scheduled=True)


@router.put(
    SCHEDULED + "/{row_id}",
    summary="Move a scheduled post",
    **answers(ScheduledStatus),
    **inputs(form=ScheduleForm),
)
async def scheduled_update(
    row_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: ScheduleParams = form(ScheduleParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    when = params.schedule()
    if when is None:
        raise Invalid("scheduled_at", "is required")
    row = await reschedule(rt.db, _me(credentials), parse_id(row_id), when)
    return await scheduled_entity(rt, row)


@router.delete(SCHEDULED + "/{row_id}", summary="Cancel a scheduled post", **answers(Empty))
async def scheduled_destroy(
    row_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    await delete_draft(rt.db, _me(credentials), parse_id(row_id), scheduled=True)
    return {}


# --- Weft's drafts ---------------------------------------------------------------------


@router.get(
    DRAFTS,
    summary="Weft: one's drafts",
    description="Posts saved without a time (ScheduledStatus with a null `scheduled_at`), "
    "last saved first.",
    **answers(list[ScheduledStatus]),
    **inputs(*PAGING),
)
async def drafts_index(
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    return await _list(request, rt, _me(credentials), scheduled=False)


@router.post(
    DRAFTS,
    summary="Weft: save a draft",
    description="With the parameters of POST /api/v1/statuses (checked as when posting).",
    **answers(ScheduledStatus),
    **inputs(form=StatusForm),
)
async def drafts_create(
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: StatusParams = form(StatusParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """A new draft; with ``scheduled_at``, a scheduled post (as ``POST /api/v1/statuses``)."""
    draft = status_draft(params, credentials)
    row = await save_draft(rt.db, _me(credentials), draft, params.schedule())
    return await scheduled_entity(rt, row)


@router.get(DRAFTS + "/{row_id}", summary="Weft: a draft", **answers(ScheduledStatus))
async def drafts_show(
    row_id: str,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    return await _one(rt, _me(credentials), row_id, scheduled=False)


@router.put(
    DRAFTS + "/{row_id}",
    summary="Weft: change a draft",
    description="Replaces its parameters with those given (as POST /api/v1/statuses).",
    **answers(ScheduledStatus),
    **inputs(form=StatusForm),
)
async def drafts_update(
    row_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: StatusParams = form(StatusParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Replace the draft with these parameters (all of them, as a new post)."""
    if params.scheduled_at:
        raise Invalid("scheduled_at", "is set by POST /api/weft/v1/drafts/:id/publish")
    draft = status_draft(params, credentials)
    row = await update_draft(rt.db, _me(credentials), parse_id(row_id), draft)
    return await scheduled_entity(rt, row)


@router.delete(DRAFTS + "/{row_id}", summary="Weft: delete a draft", **answers(Empty))
async def drafts_destroy(
    row_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    await delete_draft(rt.db, _me(credentials), parse_id(row_id), scheduled=False)
    return {}


@router.post(
    DRAFTS + "/{row_id}/publish",
    summary="Weft: publish a draft",
    description="Posts it now (answers the Status), or with `scheduled_at` schedules it "
    "(answers the ScheduledStatus).",
    **answers(Status | ScheduledStatus),
    **inputs(form=ScheduleForm),
)
async def drafts_publish(
    row_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: ScheduleParams = form(ScheduleParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """The post, published now; with ``scheduled_at``, the scheduled post it became."""
    me = _me(credentials)
    when = params.schedule()
    if when is not None:
        row = await reschedule(rt.db, me, parse_id(row_id), when, scheduled=False)
        return await scheduled_entity(rt, row)
    status = await publish_draft(rt.db, rt.settings, me, parse_id(row_id))
    async with rt.db.read() as session:
        bundle = await load_bundle(session, me, [status])
    return status_entities([status], bundle, rt.settings)[0]
