"""The search page (people, posts, topics) and a topic's page (``/tags/{name}``).

Both read the queries the API reads (``weft.queries.search.search``,
``tag_timeline``), so they show only what the API would. A signed-in person
searching for a handle (``user@domain``) also gets it looked up on its
server (``resolve``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from weft.api.serializers.filters import filtering_for
from weft.db.paging import Page
from weft.models import User
from weft.queries.accounts import parse_id
from weft.queries.search import SearchRequest, looks_like_handle, looks_like_url, search
from weft.queries.timelines import Scope, TagFilter, tag_timeline
from weft.runtime import Runtime, runtime
from weft.web.common import statuses_for_page
from weft.web.session import current_user
from weft.web.templating import render

router = APIRouter()

RESULTS = 20
TAG_PAGE = 20
KINDS = {"": "All", "accounts": "People", "statuses": "Posts", "hashtags": "Topics"}


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request,
    q: str = "",
    type: str = "",
    viewer: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> HTMLResponse:
    kind = type if type in KINDS else ""
    q = q.strip()[:200].replace("\x00", "")
    context: dict[str, Any] = {"q": q, "kind": kind, "kinds": KINDS, "searched": bool(q)}
    if q:
        viewer_id = viewer.account_id if viewer else None
        wanted = SearchRequest(
            q=q,
            type=kind or None,
            viewer_id=viewer_id,
            resolve=viewer_id is not None and (looks_like_handle(q) or looks_like_url(q)),
            limit=RESULTS,
        )
        results = await search(rt.db, rt.settings, wanted)
        context.update(
            accounts=results.accounts,
            statuses=statuses_for_page(
                results.statuses, rt.settings, await filtering_for(rt.db, viewer_id, "public")
            ),
            hashtags=results.hashtags,
        )
    return await render(request, "search.html", context)


@router.get("/tags/{name}", response_model=None)
async def tag_page(
    request: Request,
    name: str,
    viewer: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    raw_max = request.query_params.get("max_id", "")
    page = Page(max_id=parse_id(raw_max) if raw_max else None, limit=TAG_PAGE)
    viewer_id = viewer.account_id if viewer else None
    found = await tag_timeline(rt.db, viewer_id, TagFilter(name), Scope(), page)
    filtering = await filtering_for(rt.db, viewer_id, "public")
    statuses = statuses_for_page(found, rt.settings, filtering)
    next_url = None
    if len(found.cursors) >= TAG_PAGE:
        next_url = f"/tags/{name}?" + urlencode({"max_id": found.cursors[-1]})
    if request.headers.get("X-Weft-Fragment") == "1":
        return await render(
            request, "feed_fragment.html", {"statuses": statuses, "next_url": next_url}
        )
    context = {"name": name.lstrip("#"), "statuses": statuses, "next_url": next_url}
    return await render(request, "tag.html", context)
