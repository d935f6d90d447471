"""Activity: the signed-in person's notifications, with filter tabs.

Reads ``weft.queries.notifications.notifications`` with the same ``types``
the API takes, so a notification the API hides (a post since made
followers-only, a blocked or muted sender, what one's notification policy
kept aside) is hidden here too. ``/activity/filtered`` lists what the policy
kept aside, by sender, to accept or dismiss.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from weft.actions import notification_policy as policy_actions
from weft.api.serializers.filters import filtering_for
from weft.api.serializers.notification_requests import request_entities
from weft.api.serializers.notifications import notification_entities
from weft.db.paging import Page
from weft.errors import NotFound
from weft.models import User
from weft.queries.accounts import parse_id
from weft.queries.graph import follow_requests
from weft.queries.notification_requests import policy_view
from weft.queries.notification_requests import requests as requests_of
from weft.queries.notifications import NotificationFilter, notifications
from weft.runtime import Runtime, runtime, runtime_of
from weft.web.common import require_user
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter()

PAGE_SIZE = 30
# Tab: (label, notification types; empty means all)
FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "all": ("All", ()),
    # Every reply to one's posts notifies as a mention (weft/actions/posts/replying.py).
    "replies": ("Replies and mentions", ("mention",)),
    "approvals": ("Approved replies", ("reply_approved",)),
    "quotes": ("Quotes", ("quote",)),
    "reposts": ("Reposts", ("reblog",)),
    "likes": ("Likes", ("favourite",)),
    "follows": ("Follows", ("follow", "follow_request")),
}


@router.get("/activity", response_class=HTMLResponse)
async def activity(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    tab = request.query_params.get("filter", "all")
    if tab not in FILTERS:
        raise NotFound("There is no such activity filter.")
    raw_max = request.query_params.get("max_id", "")
    page = Page(max_id=parse_id(raw_max) if raw_max else None, limit=PAGE_SIZE)
    found = await notifications(
        rt.db, user.account_id, NotificationFilter(types=FILTERS[tab][1]), page
    )
    waiting = await follow_requests(rt.db, user.account_id, Page(limit=5))
    kept_aside = (await policy_view(rt.db, user.account_id)).summary
    next_url = None
    if len(found.cursors) >= PAGE_SIZE:
        next_url = "/activity?" + urlencode({"filter": tab, "max_id": found.cursors[-1]})
    context: dict[str, Any] = {
        "tab": tab,
        "filters": FILTERS,
        "items": notification_entities(
            found, rt.settings, await filtering_for(rt.db, user.account_id, "notifications")
        ),
        "requests": waiting,
        "kept_aside": kept_aside,
        "next_url": next_url,
    }
    return await render(request, "activity.html", context)


# --- filtered notifications (the notification policy's requests) -------------------------


@router.get("/activity/filtered", response_class=HTMLResponse)
async def filtered(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    """The senders whose notifications one's policy kept aside (Settings, Privacy)."""
    found = await requests_of(rt.db, user.account_id, Page(limit=PAGE_SIZE))
    context: dict[str, Any] = {
        "tab": None,
        "filters": FILTERS,
        "requests": request_entities(found, rt.settings),
        "done": request.query_params.get("done"),
    }
    return await render(request, "activity_filtered.html", context)


async def _decide(request: Request, request_id: str, accept: bool) -> Response:
    user = await require_user(request)
    rt = runtime_of(request)
    await form_fields(request)
    decide = policy_actions.accept_requests if accept else policy_actions.dismiss_requests
    await decide(rt.db, user.account_id, [parse_id(request_id)])
    done = "accepted" if accept else "dismissed"
    return RedirectResponse(f"/activity/filtered?done={done}", status_code=303)


@router.post("/activity/filtered/{request_id}/accept", response_model=None)
async def accept_request(request: Request, request_id: str) -> Response:
    return await _decide(request, request_id, accept=True)


@router.post("/activity/filtered/{request_id}/dismiss", response_model=None)
async def dismiss_request(request: Request, request_id: str) -> Response:
    return await _decide(request, request_id, accept=False)
