"""Mastodon 4.3+'s notification filtering: the policy (``/api/v2/notifications/policy``
and v1's), the requests it makes (``/api/v1/notifications/requests``), and the
unread count (v1 and v2, which leave aside what the policy kept aside and what
one's filters hide).

Registered before the notifications router, so that ``/notifications/requests``
is not taken for a notification's id.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from weft.actions import notification_policy as actions
from weft.api.auth import Credentials, user_scoped
from weft.api.pagination import page_of, paged_json
from weft.api.params import bool_param, read_params
from weft.api.schemas import PAGING, Empty, answers, inputs, query
from weft.api.schemas.notifications import (
    Merged,
    NotificationPolicy,
    NotificationRequest,
    UnreadCount,
    V1NotificationPolicy,
)
from weft.api.serializers.filters import filtering_for
from weft.api.serializers.notification_requests import (
    policy_entity,
    request_entities,
    request_entity,
    v1_policy_entity,
)
from weft.api.serializers.notifications import filtered_out
from weft.errors import Invalid
from weft.queries import notification_requests as queries
from weft.queries.accounts import parse_id
from weft.queries.notifications import unread
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["notifications"])
READ = user_scoped("read:notifications")
WRITE = user_scoped("write:notifications")
ACTION = {"type": "string", "enum": ["accept", "filter", "drop"]}
IDS = query("id[]", {"type": "array", "items": {"type": "string"}}, "The requests' ids.")


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None
    return credentials.account.id


@router.get(
    "/api/v2/notifications/policy",
    summary="One's notification filtering policy",
    **answers(NotificationPolicy),
)
async def get_policy(
    credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return policy_entity(await queries.policy_view(rt.db, _me(credentials)))


@router.patch(
    "/api/v2/notifications/policy",
    summary="Change one's notification filtering policy",
    **answers(NotificationPolicy),
    **inputs(*(query(name, ACTION, "accept, filter or drop.") for name in queries.POLICY_FIELDS)),
)
async def update_policy(
    request: Request, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    params = await read_params(request)
    values = {name: str(params[name]) for name in queries.POLICY_FIELDS if name in params}
    await actions.update_policy(rt.db, _me(credentials), values)
    return policy_entity(await queries.policy_view(rt.db, _me(credentials)))


@router.get(
    "/api/v1/notifications/policy",
    summary="One's notification filtering policy (v1)",
    **answers(V1NotificationPolicy),
)
async def get_v1_policy(
    credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return v1_policy_entity(await queries.policy_view(rt.db, _me(credentials)))


@router.patch(
    "/api/v1/notifications/policy",
    summary="Change one's notification filtering policy (v1)",
    **answers(V1NotificationPolicy),
    **inputs(
        *(query(name, {"type": "boolean"}, "Filter them or not.") for name in actions.V1_FIELDS)
    ),
)
async def update_v1_policy(
    request: Request, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    params = await read_params(request)
    values = {}
    for name, field in actions.V1_FIELDS.items():
        if name not in params:
            continue
        try:
            values[field] = "filter" if bool_param(params[name]) else "accept"
        except ValueError:
            raise Invalid(name, "must be true or false") from None
    await actions.update_policy(rt.db, _me(credentials), values)
    return v1_policy_entity(await queries.policy_view(rt.db, _me(credentials)))


@router.get(
    "/api/v1/notifications/requests",
    summary="The notification requests waiting",
    **answers(list[NotificationRequest]),
    **inputs(*PAGING),
)
async def list_requests(
    request: Request, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> JSONResponse:
    page = await queries.requests(rt.db, _me(credentials), page_of(request, 40, 80))
    return paged_json(request, request_entities(page, rt.settings), page.cursors)


@router.get(
    "/api/v1/notifications/requests/merged",
    summary="Whether accepted requests' notifications are back (always at once here)",
    **answers(Merged),
)
async def merged(_: Credentials = Depends(READ)) -> dict[str, bool]:
    return {"merged": True}


async def _ids(request: Request) -> list[int]:
    params = await read_params(request)
    raw = params.get("id", [])
    given = raw if isinstance(raw, list) else [raw]
    if not given:
        raise Invalid("id", "can't be blank", "ERR_BLANK")
    return [parse_id(str(value)) for value in given]


@router.post(
    "/api/v1/notifications/requests/accept",
    summary="Accept several notification requests",
    **answers(Empty),
    **inputs(IDS),
)
async def accept_many(
    request: Request, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await actions.accept_requests(rt.db, _me(credentials), await _ids(request))
    return {}


@router.post(
    "/api/v1/notifications/requests/dismiss",
    summary="Dismiss several notification requests",
    **answers(Empty),
    **inputs(IDS),
)
async def dismiss_many(
    request: Request, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await actions.dismiss_requests(rt.db, _me(credentials), await _ids(request))
    return {}


@router.get(
    "/api/v1/notifications/requests/{request_id}",
    summary="A notification request",
    **answers(NotificationRequest),
)
async def get_request(
    request_id: str, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    page = await queries.request(rt.db, _me(credentials), parse_id(request_id))
    return request_entity(page.requests[0], page, rt.settings)


@router.post(
    "/api/v1/notifications/requests/{request_id}/accept",
    summary="Accept a notification request: its notifications come back",
    **answers(Empty),
)
async def accept(
    request_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await actions.accept_requests(rt.db, _me(credentials), [parse_id(request_id)])
    return {}


@router.post(
    "/api/v1/notifications/requests/{request_id}/dismiss",
    summary="Dismiss a notification request, with its notifications",
    **answers(Empty),
)
async def dismiss(
    request_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await actions.dismiss_requests(rt.db, _me(credentials), [parse_id(request_id)])
    return {}


UNREAD = inputs(
    query("limit", {"type": "integer"}, "Count up to this many (default 100, at most 1000).")
)


async def _unread(request: Request, credentials: Credentials, rt: Runtime) -> dict[str, int]:
    """Past the read marker: neither kept aside by the policy, nor from someone
    hidden, nor about a post one's filters hide."""
    me = _me(credentials)
    page = await unread(rt.db, me, page_of(request, 100, 1000).limit)
    filtering = await filtering_for(rt.db, me, "notifications")
    count = sum(1 for n in page.notifications if not filtered_out(n, page, rt.settings, filtering))
    return {"count": count}


@router.get(
    "/api/v1/notifications/unread_count",
    summary="How many notifications are unread",
    **answers(UnreadCount),
    **UNREAD,
)
async def unread_count_v1(
    request: Request, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, int]:
    return await _unread(request, credentials, rt)


@router.get(
    "/api/v2/notifications/unread_count",
    summary="How many notifications are unread",
    **answers(UnreadCount),
    **UNREAD,
)
async def unread_count(
    request: Request, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, int]:
    return await _unread(request, credentials, rt)
