"""Mastodon client API: like, repost, save, pin; who liked or reposted; one's
liked and saved posts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from weft.actions import interactions as actions
from weft.api.auth import Credentials, scoped_if_token, user_scoped
from weft.api.pagination import link_header, page_of
from weft.api.params import form
from weft.api.schemas import PAGING, answers, inputs
from weft.api.schemas.accounts import Account as AccountEntity
from weft.api.schemas.statuses import Status
from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.statuses import status_entity
from weft.api.timelines import page_response, viewer_of
from weft.db.database import Database
from weft.models import Account
from weft.queries import interactions as queries
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["statuses"])
Action = Callable[[Database, int, int], Awaitable[int]]


async def _render(rt: Runtime, viewer_id: int, status_id: int) -> dict[str, Any]:
    page = await queries.one_status(rt.db, viewer_id, status_id)
    return status_entity(page.statuses[0], page.bundle, rt.settings)


def _acting(action: Action, scope: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    """An endpoint that runs ``action`` on the post and returns it (Status entity)."""

    async def endpoint(
        status_id: str,
        credentials: Credentials = Depends(user_scoped(scope)),
        rt: Runtime = Depends(runtime),
    ) -> dict[str, Any]:
        assert credentials.account is not None
        viewer = credentials.account.id
        return await _render(rt, viewer, await action(rt.db, viewer, parse_id(status_id)))

    return endpoint


for _path, _action, _scope in (
    ("favourite", actions.favourite, "write:favourites"),
    ("unfavourite", actions.unfavourite, "write:favourites"),
    ("bookmark", actions.bookmark, "write:bookmarks"),
    ("unbookmark", actions.unbookmark, "write:bookmarks"),
    ("unreblog", actions.unreblog, "write:statuses"),
    ("pin", actions.pin, "write:accounts"),
    ("unpin", actions.unpin, "write:accounts"),
):
    router.add_api_route(
        f"/api/v1/statuses/{{status_id}}/{_path}",
        _acting(_action, _scope),
        methods=["POST"],
        name=_path,
        summary=f"{_path.capitalize()} a post",
        **answers(Status),
    )


class ReblogParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    visibility: str | None = None


@router.post(
    "/api/v1/statuses/{status_id}/reblog",
    summary="Repost a post",
    **answers(Status, description="The repost, with the original in `reblog`"),
    **inputs(form=ReblogParams),
)
async def reblog(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: ReblogParams = form(ReblogParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    assert credentials.account is not None
    viewer = credentials.account.id
    repost = await actions.reblog(rt.db, viewer, parse_id(status_id), params.visibility or None)
    return await _render(rt, viewer, repost)


def _accounts_response(
    request: Request, rt: Runtime, accounts: list[Account], cursors: list[int]
) -> JSONResponse:
    response = JSONResponse([account_entity(a, rt.settings) for a in accounts])
    link = link_header(request, cursors)
    if link:
        response.headers["Link"] = link
    return response


@router.get(
    "/api/v1/statuses/{status_id}/favourited_by",
    summary="Who liked a post",
    **answers(list[AccountEntity]),
    **inputs(*PAGING),
)
async def favourited_by(
    status_id: str,
    request: Request,
    credentials: Credentials | None = Depends(scoped_if_token("read:accounts")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    accounts, cursors = await queries.favourited_by(
        rt.db, viewer_of(credentials), parse_id(status_id), page_of(request, 40, 80)
    )
    return _accounts_response(request, rt, accounts, cursors)


@router.get(
    "/api/v1/statuses/{status_id}/reblogged_by",
    summary="Who reposted a post",
    **answers(list[AccountEntity]),
    **inputs(*PAGING),
)
async def reblogged_by(
    status_id: str,
    request: Request,
    credentials: Credentials | None = Depends(scoped_if_token("read:accounts")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    accounts, cursors = await queries.reblogged_by(
        rt.db, viewer_of(credentials), parse_id(status_id), page_of(request, 40, 80)
    )
    return _accounts_response(request, rt, accounts, cursors)


@router.get(
    "/api/v1/favourites", summary="Posts one liked", **answers(list[Status]), **inputs(*PAGING)
)
async def favourites(
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:favourites")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    assert credentials.account is not None
    page = await queries.favourites(rt.db, credentials.account.id, page_of(request))
    return page_response(request, rt, page)


@router.get(
    "/api/v1/bookmarks", summary="Posts one saved", **answers(list[Status]), **inputs(*PAGING)
)
async def bookmarks(
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:bookmarks")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    assert credentials.account is not None
    page = await queries.bookmarks(rt.db, credentials.account.id, page_of(request))
    return page_response(request, rt, page)
