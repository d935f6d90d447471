"""Mastodon client API: notifications (v1 and grouped v2) and read markers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from weft.actions import notifications as notification_actions
from weft.actions.markers import save_markers
from weft.api.auth import Credentials, user_scoped
from weft.api.pagination import page_of, paged_json
from weft.api.params import bool_param, read_params
from weft.api.schemas import PAGING, Empty, answers, inputs, query
from weft.api.schemas.notifications import (
    GroupedNotificationsResults,
    Markers,
    Notification,
)
from weft.api.serializers.filters import filtering_for
from weft.api.serializers.notifications import (
    grouped_results,
    markers_entity,
    notification_entities,
    notification_entity,
)
from weft.api.timelines import names
from weft.errors import Invalid
from weft.queries import notifications as queries
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["notifications"])
TYPES = {"type": "array", "items": {"type": "string"}}
FILTERS = (
    query("types[]", TYPES, "Only these types."),
    query("exclude_types[]", TYPES, "Not these types."),
    query("account_id", {"type": "string"}, "Only from this account."),
    query(
        "include_filtered", {"type": "boolean"}, "Also what one's notification policy kept aside."
    ),
)
READ = user_scoped("read:notifications")
WRITE = user_scoped("write:notifications")


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None
    return credentials.account.id


def _id_param(name: str, raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) >= 2**63:
        raise Invalid(name, "must be an id")
    return int(raw)


def _filter(request: Request) -> queries.NotificationFilter:
    account = request.query_params.get("account_id")
    return queries.NotificationFilter(
        types=names(request, "types"),
        exclude_types=names(request, "exclude_types"),
        account_id=_id_param("account_id", account) if account else None,
        include_filtered=_flag(request, "include_filtered"),
    )


def _flag(request: Request, name: str) -> bool:
    try:
        return bool(bool_param(request.query_params.get(name)))
    except ValueError:
        raise Invalid(name, "must be true or false") from None


@router.get(
    "/api/v1/notifications",
    summary="One's notifications",
    **answers(list[Notification]),
    **inputs(*FILTERS, *PAGING),
)
async def list_notifications(
    request: Request, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> JSONResponse:
    page = await queries.notifications(
        rt.db, _me(credentials), _filter(request), page_of(request, 40, 80)
    )
    filtering = await filtering_for(rt.db, _me(credentials), "notifications")
    body = notification_entities(page, rt.settings, filtering)
    return paged_json(request, body, page.cursors)


@router.get(
    "/api/v1/notifications/{notification_id}", summary="A notification", **answers(Notification)
)
async def get_notification(
    notification_id: str, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    page = await queries.notification(rt.db, _me(credentials), parse_id(notification_id))
    filtering = await filtering_for(rt.db, _me(credentials), "notifications")
    return notification_entity(page.notifications[0], page, rt.settings, filtering)


@router.post("/api/v1/notifications/clear", summary="Dismiss every notification", **answers(Empty))
async def clear(
    credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await notification_actions.clear_notifications(rt.db, _me(credentials))
    return {}


@router.post(
    "/api/v1/notifications/{notification_id}/dismiss",
    summary="Dismiss a notification",
    **answers(Empty),
)
async def dismiss(
    notification_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await notification_actions.dismiss_notification(
        rt.db, _me(credentials), parse_id(notification_id)
    )
    return {}


@router.get(
    "/api/v2/notifications",
    summary="One's notifications, grouped",
    **answers(GroupedNotificationsResults),
    **inputs(query("grouped_types[]", TYPES, "The types to group."), *FILTERS, *PAGING),
)
async def grouped(
    request: Request, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> JSONResponse:
    given = "grouped_types[]" in request.query_params or "grouped_types" in request.query_params
    page = await queries.grouped_notifications(
        rt.db,
        _me(credentials),
        _filter(request),
        names(request, "grouped_types") if given else None,
        page_of(request, 40, 80),
    )
    filtering = await filtering_for(rt.db, _me(credentials), "notifications")
    return paged_json(request, grouped_results(page, rt.settings, filtering), page.cursors)


@router.post(
    "/api/v2/notifications/{group_key}/dismiss",
    summary="Dismiss a group of notifications",
    **answers(Empty),
)
async def dismiss_group(
    group_key: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await notification_actions.dismiss_group(rt.db, _me(credentials), group_key)
    return {}


@router.get(
    "/api/v1/markers",
    tags=["timelines"],
    summary="Where one stopped reading",
    **answers(Markers),
    **inputs(query("timeline[]", TYPES, "home and/or notifications.")),
)
async def get_markers(
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    found = await queries.markers(rt.db, _me(credentials), names(request, "timeline"))
    return markers_entity(found)


@router.post(
    "/api/v1/markers",
    tags=["timelines"],
    summary="Save where one stopped reading",
    **answers(Markers),
    **inputs(
        query("home[last_read_id]", {"type": "string"}, "The home timeline's last read post."),
        query(
            "notifications[last_read_id]",
            {"type": "string"},
            "The last read notification.",
        ),
    ),
)
async def post_markers(
    request: Request,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    params = await read_params(request)
    last_read: dict[str, int] = {}
    for timeline in queries.MARKER_TIMELINES:
        given = params.get(timeline)
        if given is None:
            continue
        raw = given.get("last_read_id") if isinstance(given, dict) else None
        value = _id_param(f"{timeline}[last_read_id]", str(raw) if raw is not None else None)
        if value is None:
            raise Invalid(f"{timeline}[last_read_id]", "can't be blank", "ERR_BLANK")
        last_read[timeline] = value
    await save_markers(rt.db, _me(credentials), last_read)
    found = await queries.markers(rt.db, _me(credentials), list(last_read))
    return markers_entity(found)
