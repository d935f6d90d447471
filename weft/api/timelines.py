"""Mastodon client API: home, public, tag and account timelines."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from weft.api.auth import Credentials, cached_viewer, scoped_if_token
from weft.api.pagination import link_header, page_of
from weft.api.params import bool_param
from weft.api.schemas import PAGING, answers, inputs, query
from weft.api.schemas.statuses import Status
from weft.api.serializers.filters import Filtering, filtering_for
from weft.api.serializers.home import home_json
from weft.api.serializers.statuses import status_entities
from weft.api.token_cache import Viewer
from weft.errors import Invalid
from weft.queries import timelines as timeline_queries
from weft.queries.accounts import parse_id
from weft.queries.fediverse import fediverse_timeline
from weft.queries.home_rows import home_rows
from weft.queries.timelines import AccountFilter, Scope, StatusPage, TagFilter
from weft.runtime import Runtime, runtime, runtime_of
from weft.timelines import home_feed

router = APIRouter(tags=["timelines"])

FLAG = {"type": "boolean"}
SCOPE = (
    query("local", FLAG, "Only this server's posts."),
    query("remote", FLAG, "Only other servers' posts."),
    query("only_media", FLAG, "Only posts with media."),
)
TAGS = {"type": "array", "items": {"type": "string"}}


def viewer_of(credentials: Credentials | None) -> int | None:
    return credentials.account.id if credentials and credentials.account else None


def flag(request: Request, name: str) -> bool:
    try:
        return bool(bool_param(request.query_params.get(name)))
    except ValueError:
        raise Invalid(name, "must be true or false") from None


def names(request: Request, name: str) -> tuple[str, ...]:
    """``any[]=a&any[]=b`` (or ``any=a``) as a tuple."""
    values = request.query_params.getlist(f"{name}[]") + request.query_params.getlist(name)
    return tuple(v for v in values if v)


class FastJSONResponse(JSONResponse):
    """JSON encoded by orjson: the same compact UTF-8 as Starlette's encoder,
    several times faster on a page of posts."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def page_response(
    request: Request, rt: Runtime, page: StatusPage, filtering: Filtering | None = None
) -> JSONResponse:
    """The page's statuses as JSON, with Mastodon's Link header, less what
    the viewer's filters hide (``filtering``: weft/policies/filters.py)."""
    body: list[dict[str, Any]] = status_entities(page.statuses, page.bundle, rt.settings, filtering)
    response = FastJSONResponse(body)
    link = link_header(request, page.cursors)
    if link:
        response.headers["Link"] = link
    return response


_home_viewer = cached_viewer("read:statuses")


@router.get(
    "/api/v1/timelines/home",
    summary="The home timeline",
    **answers(list[Status]),
    **inputs(*PAGING),
)
async def home(request: Request) -> Response:
    # The API's hottest route calls its two lookups rather than declaring them:
    # FastAPI's resolution of a dependency costs more than the lookup itself.
    viewer = await _home_viewer(request)
    rt = runtime_of(request)
    feed = home_feed(rt.settings, rt.redis)
    rows = await home_rows(rt.db, feed, viewer.account_id, page_of(request))
    filtering = await filtering_for(rt.db, viewer.account_id, "home")
    body = await home_json(rt.db, rows, rt.settings, filtering)
    link = link_header(request, rows.cursors)
    return Response(body, media_type="application/json", headers={"Link": link} if link else None)


def _scope(request: Request) -> Scope:
    return Scope(
        local=flag(request, "local"),
        remote=flag(request, "remote"),
        only_media=flag(request, "only_media"),
    )


@router.get(
    "/api/v1/timelines/public",
    summary="Public posts",
    **answers(list[Status]),
    **inputs(*SCOPE, *PAGING),
)
async def public(
    request: Request,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    page = await timeline_queries.public_timeline(
        rt.db, viewer_of(credentials), _scope(request), page_of(request)
    )
    return page_response(
        request, rt, page, await filtering_for(rt.db, viewer_of(credentials), "public")
    )


@router.get(
    "/api/v1/timelines/tag/{hashtag}",
    summary="Public posts with a hashtag",
    **answers(list[Status]),
    **inputs(
        query("any[]", TAGS, "Or any of these tags too."),
        query("all[]", TAGS, "And all of these tags."),
        query("none[]", TAGS, "And none of these tags."),
        *SCOPE,
        *PAGING,
    ),
)
async def tag(
    hashtag: str,
    request: Request,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    tags = TagFilter(
        hashtag, any=names(request, "any"), all=names(request, "all"), none=names(request, "none")
    )
    page = await timeline_queries.tag_timeline(
        rt.db, viewer_of(credentials), tags, _scope(request), page_of(request)
    )
    return page_response(
        request, rt, page, await filtering_for(rt.db, viewer_of(credentials), "public")
    )


@router.get(
    "/api/v1/accounts/{account_id}/statuses",
    tags=["accounts"],
    summary="An account's posts",
    **answers(list[Status]),
    **inputs(
        query("exclude_replies", FLAG, "Leave replies out."),
        query("exclude_reblogs", FLAG, "Leave reposts out."),
        query("only_media", FLAG, "Only posts with media."),
        query("pinned", FLAG, "Only pinned posts."),
        query("tagged", {"type": "string"}, "Only posts with this hashtag."),
        *PAGING,
    ),
)
async def account_statuses(
    account_id: str,
    request: Request,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    wanted = AccountFilter(
        exclude_replies=flag(request, "exclude_replies"),
        exclude_reblogs=flag(request, "exclude_reblogs"),
        only_media=flag(request, "only_media"),
        pinned=flag(request, "pinned"),
        tagged=request.query_params.get("tagged") or None,
    )
    page = await timeline_queries.account_statuses(
        rt.db, viewer_of(credentials), parse_id(account_id), wanted, page_of(request)
    )
    return page_response(
        request, rt, page, await filtering_for(rt.db, viewer_of(credentials), "account")
    )


@router.get(
    "/api/weft/v1/timelines/fediverse",
    summary="Weft: posts of the remote accounts one follows",
    **answers(list[Status]),
    **inputs(*PAGING),
)
async def fediverse(
    request: Request,
    viewer: Viewer = Depends(cached_viewer("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    """Weft's Fediverse feed: posts of the remote accounts the viewer follows."""
    page = await fediverse_timeline(rt.db, viewer.account_id, page_of(request))
    return page_response(request, rt, page, await filtering_for(rt.db, viewer.account_id, "home"))
