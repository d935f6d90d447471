"""A topic's page (``/topics/{name}``): its posts, Recent or Top, and a
Follow button that brings its public posts into the viewer's Home."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from weft.actions.topics import follow_tag, unfollow_tag
from weft.api.serializers.filters import filtering_for
from weft.db.paging import Page
from weft.models import User
from weft.queries.accounts import parse_id
from weft.queries.topics import tag_view, topic_statuses
from weft.runtime import Runtime, runtime
from weft.web.common import require_user, statuses_for_page
from weft.web.session import current_user
from weft.web.templating import render

router = APIRouter()
TOPIC_PAGE = 20


@router.get("/topics/{name}", response_model=None)
async def topic_page(
    request: Request,
    name: str,
    viewer: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    order = "top" if request.query_params.get("order") == "top" else "recent"
    viewer_id = viewer.account_id if viewer else None
    view = await tag_view(rt.db, viewer_id, name)
    raw_max = request.query_params.get("max_id", "")
    page = Page(max_id=parse_id(raw_max) if raw_max else None, limit=TOPIC_PAGE)
    found = await topic_statuses(rt.db, viewer_id, name, order, page)
    filtering = await filtering_for(rt.db, viewer_id, "public")
    statuses = statuses_for_page(found, rt.settings, filtering)
    path = f"/topics/{quote(view.tag.name)}"
    next_url = None
    if order == "recent" and len(found.cursors) >= TOPIC_PAGE:
        next_url = f"{path}?" + urlencode({"max_id": found.cursors[-1]})
    if request.headers.get("X-Weft-Fragment") == "1":
        return await render(
            request, "feed_fragment.html", {"statuses": statuses, "next_url": next_url}
        )
    context = {
        "topic": view.tag.name,
        "path": path,
        "order": order,
        "following": view.following,
        "posts_count": view.posts_count,
        "statuses": statuses,
        "next_url": next_url,
    }
    return await render(request, "topic.html", context)


@router.post("/topics/{name}/follow")
async def follow(
    name: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> RedirectResponse:
    tag = await follow_tag(rt.db, user.account_id, name)
    return RedirectResponse(f"/topics/{quote(tag.name)}", status_code=303)


@router.post("/topics/{name}/unfollow")
async def unfollow(
    name: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> RedirectResponse:
    tag = await unfollow_tag(rt.db, user.account_id, name)
    return RedirectResponse(f"/topics/{quote(tag.name)}", status_code=303)
