"""The front page: For You and Following for people signed in, a welcome and
this server's public posts for visitors.

- ``/``: For You (weft/queries/for_you.py), pages by ``?offset=``; signed
  out, the local public timeline, pages by ``?max_id=``.
- ``/following``: the home timeline (the API's ``/api/v1/timelines/home``),
  pages by ``?max_id=``.
- ``/fediverse``: posts of the remote accounts one follows, newest first (the
  API's ``/api/weft/v1/timelines/fediverse``), pages by ``?max_id=``.
- ``/home/new_count?since_id=``: how many Following posts are newer, for the
  "New posts" notice static/weft.js shows.

A request with the ``X-Weft-Fragment: 1`` header (weft.js's infinite scroll)
gets only the posts and the next link, not the whole page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from weft.api.auth import runtime
from weft.api.pagination import page_of
from weft.errors import Invalid
from weft.models import User
from weft.queries import timelines
from weft.queries.fediverse import fediverse_timeline
from weft.queries.for_you import for_you
from weft.queries.paging import Page
from weft.queries.timelines import Scope, StatusPage
from weft.runtime import Runtime
from weft.timelines import home_feed
from weft.web.common import require_user, statuses_for_page
from weft.web.session import current_user
from weft.web.templating import render

router = APIRouter()

FRAGMENT_HEADER = "x-weft-fragment"
NEW_COUNT_LIMIT = 40  # the notice says "40+" beyond this


def _offset(request: Request) -> int:
    raw = request.query_params.get("offset", "0") or "0"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise Invalid("offset", "must be a whole number of posts")
    return int(raw)


def _older(path: str, page: StatusPage, asked: Page) -> str | None:
    """The next (older) page of an id-ordered timeline, or None at its end (a
    page that read fewer rows than it asked for is the last)."""
    if len(page.cursors) < asked.limit:
        return None
    return f"{path}?{urlencode({'max_id': page.cursors[-1]})}"


async def _feed_page(
    request: Request, context: dict[str, Any], statuses: list[dict[str, Any]], next_url: str | None
) -> Response:
    context = {**context, "statuses": statuses, "next_url": next_url}
    if request.headers.get(FRAGMENT_HEADER) == "1":
        return await render(request, "feed_fragment.html", context)
    return await render(request, "home.html", context)


@router.get("/", response_model=None)
async def home(
    request: Request, user: User | None = Depends(current_user), rt: Runtime = Depends(runtime)
) -> Response:
    context: dict[str, Any] = {"settings": rt.settings, "tab": "for_you"}
    if user is None:
        asked = page_of(request)
        page = await timelines.public_timeline(rt.db, None, Scope(local=True), asked)
        statuses = statuses_for_page(page, rt.settings)
        return await _feed_page(request, context, statuses, _older("/", page, asked))
    ranked = await for_you(rt.db, user.account_id, offset=_offset(request))
    statuses = statuses_for_page(ranked.page, rt.settings)
    next_url = f"/?offset={ranked.next_offset}" if ranked.next_offset is not None else None
    return await _feed_page(request, context, statuses, next_url)


@router.get("/following", response_model=None)
async def following(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    feed = home_feed(rt.settings, rt.redis)
    asked = page_of(request)
    page = await timelines.home_timeline(rt.db, feed, user.account_id, asked)
    statuses = statuses_for_page(page, rt.settings)
    context = {"settings": rt.settings, "tab": "following"}
    return await _feed_page(request, context, statuses, _older("/following", page, asked))


@router.get("/fediverse", response_model=None)
async def fediverse(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    asked = page_of(request)
    page = await fediverse_timeline(rt.db, user.account_id, asked)
    statuses = statuses_for_page(page, rt.settings)
    context = {"settings": rt.settings, "tab": "fediverse"}
    return await _feed_page(request, context, statuses, _older("/fediverse", page, asked))


@router.get("/home/new_count")
async def new_count(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> JSONResponse:
    """How many posts Following has newer than ``since_id`` (at most 40)."""
    since = page_of(request).since_id
    if since is None:
        raise Invalid("since_id", "is required")
    feed = home_feed(rt.settings, rt.redis)
    page = await timelines.home_timeline(
        rt.db, feed, user.account_id, Page(since_id=since, limit=NEW_COUNT_LIMIT)
    )
    return JSONResponse({"count": len(page.statuses), "more": len(page.cursors) >= NEW_COUNT_LIMIT})
