"""The front page: For You and Following for people signed in, a welcome and
this server's public posts for visitors.

- ``/``: For You (weft/queries/for_you.py), pages by ``?seen=``, the ids of
  the posts already shown (base 36, dot-separated), so a post that moves up
  the ranking between two loads is not shown twice; signed out, the local
  public timeline, pages by ``?max_id=``.
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

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from weft.api.pagination import page_of
from weft.api.serializers.filters import filtering_for
from weft.api.serializers.home import home_entities
from weft.db.paging import Page
from weft.errors import Invalid
from weft.models import User
from weft.queries import timelines
from weft.queries.fediverse import fediverse_timeline
from weft.queries.for_you import MAX_SEEN, for_you
from weft.queries.home_rows import home_rows
from weft.queries.timelines import Scope
from weft.runtime import Runtime, runtime
from weft.timelines import home_feed
from weft.web.common import require_user, statuses_for_page
from weft.web.session import current_user
from weft.web.templating import render

router = APIRouter()

FRAGMENT_HEADER = "x-weft-fragment"
NEW_COUNT_LIMIT = 40  # the notice says "40+" beyond this


DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_SEEN_ID = re.compile(r"[0-9a-z]{1,13}")  # a 64-bit id in base 36


def _seen(request: Request) -> list[int]:
    """The ids in ``?seen=`` (For You's next-page links write them)."""
    raw = request.query_params.get("seen", "")
    parts = raw.split(".") if raw else []
    if len(parts) > MAX_SEEN or not all(_SEEN_ID.fullmatch(part) for part in parts):
        raise Invalid("seen", f"must be at most {MAX_SEEN} post ids in base 36, separated by dots")
    return [int(part, 36) for part in parts]


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = DIGITS[digit] + digits
        if number == 0:
            return digits


def _older(path: str, cursors: list[int], asked: Page) -> str | None:
    """The next (older) page of an id-ordered timeline, or None at its end (a
    page that read fewer rows than it asked for is the last); ``cursors`` are
    the ids the page read."""
    if len(cursors) < asked.limit:
        return None
    return f"{path}?{urlencode({'max_id': cursors[-1]})}"


async def _feed_page(
    request: Request, context: dict[str, Any], statuses: list[dict[str, Any]], next_url: str | None
) -> Response:
    # The newest post shown: "New posts" counts from it (static/live.js).
    newest = max((int(s["id"]) for s in statuses), default=None)
    context = {**context, "statuses": statuses, "next_url": next_url, "newest_id": newest}
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
        return await _feed_page(request, context, statuses, _older("/", page.cursors, asked))
    ranked = await for_you(rt.db, user.account_id, seen=_seen(request))
    filtering = await filtering_for(rt.db, user.account_id, "home")
    statuses = statuses_for_page(ranked.page, rt.settings, filtering)
    next_url = None
    if ranked.next_seen is not None:
        next_url = "/?" + urlencode({"seen": ".".join(_base36(i) for i in ranked.next_seen)})
    return await _feed_page(request, context, statuses, next_url)


@router.get("/following", response_model=None)
async def following(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    # Read as the API reads it (weft/api/timelines.py), rendered for the templates.
    feed = home_feed(rt.settings, rt.redis)
    asked = page_of(request)
    rows = await home_rows(rt.db, feed, user.account_id, asked)
    filtering = await filtering_for(rt.db, user.account_id, "home")
    statuses = await home_entities(rt.db, rows, rt.settings, filtering)
    context = {"settings": rt.settings, "tab": "following"}
    return await _feed_page(request, context, statuses, _older("/following", rows.cursors, asked))


@router.get("/fediverse", response_model=None)
async def fediverse(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    asked = page_of(request)
    page = await fediverse_timeline(rt.db, user.account_id, asked)
    filtering = await filtering_for(rt.db, user.account_id, "home")
    statuses = statuses_for_page(page, rt.settings, filtering)
    context = {"settings": rt.settings, "tab": "fediverse"}
    return await _feed_page(request, context, statuses, _older("/fediverse", page.cursors, asked))


@router.get("/home/new_count")
async def new_count(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> JSONResponse:
    """How many posts Following has newer than ``since_id`` (at most 40)."""
    since = page_of(request).since_id
    if since is None:
        raise Invalid("since_id", "is required")
    feed = home_feed(rt.settings, rt.redis)
    newer = Page(since_id=since, limit=NEW_COUNT_LIMIT)
    rows = await home_rows(rt.db, feed, user.account_id, newer)
    return JSONResponse({"count": len(rows.shown), "more": len(rows.cursors) >= NEW_COUNT_LIMIT})
