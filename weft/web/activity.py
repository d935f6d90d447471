"""Activity: the signed-in person's notifications, with filter tabs.

Reads ``weft.queries.notifications.notifications`` with the same ``types``
the API takes, so a notification the API hides (a post since made
followers-only, a blocked or muted sender) is hidden here too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from weft.api.serializers.filters import filtering_for
from weft.api.serializers.notifications import notification_entities
from weft.db.paging import Page
from weft.errors import NotFound
from weft.models import User
from weft.queries.accounts import parse_id
from weft.queries.graph import follow_requests
from weft.queries.notifications import NotificationFilter, notifications
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
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
        "next_url": next_url,
    }
    return await render(request, "activity.html", context)
