"""Mastodon client API: follows, follow requests, blocks, mutes and relationships.

Registered before the accounts router, so that ``/api/v1/accounts/relationships``
is not taken for an account id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from weft.actions import graph as actions
from weft.api.auth import Credentials, scoped_if_token, user_scoped
from weft.api.pagination import link_header, page_of
from weft.api.params import bool_param, form, read_params
from weft.api.schemas import answers
from weft.api.schemas.accounts import Account as AccountEntity
from weft.api.schemas.accounts import MutedAccount, Relationship
from weft.api.serializers.relationships import accounts, muted_accounts, relationship
from weft.db.database import Database
from weft.errors import NotFound
from weft.queries import graph as queries
from weft.queries.accounts import parse_id
from weft.queries.graph import Listed
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["accounts"])

FOLLOWS = user_scoped("write:follows")
BLOCKS = user_scoped("write:blocks")
MUTES = user_scoped("write:mutes")
LIST_DEFAULT, LIST_MAX = 40, 80

GraphAction = Callable[[Database, int, int], Awaitable[None]]


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None
    return credentials.account.id


async def _act_and_relate(rt: Runtime, me: int, raw_id: str, action: GraphAction) -> dict[str, Any]:
    account_id = parse_id(raw_id)
    await action(rt.db, me, account_id)
    return relationship(await queries.relationship(rt.db, me, account_id))


class FollowParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reblogs: bool | None = None
    notify: bool | None = None

    @field_validator("reblogs", "notify", mode="before")
    @classmethod
    def _rails_bool(cls, value: Any) -> bool | None:
        return bool_param(value)


@router.post(
    "/api/v1/accounts/{account_id}/follow", summary="Follow (or ask to)", **answers(Relationship)
)
async def follow(
    account_id: str,
    credentials: Credentials = Depends(FOLLOWS),
    params: FollowParams = form(FollowParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    async def act(db: Database, me: int, target: int) -> None:
        await actions.follow_account(db, me, target, reblogs=params.reblogs, notify=params.notify)

    return await _act_and_relate(rt, _me(credentials), account_id, act)


@router.post("/api/v1/accounts/{account_id}/unfollow", summary="Unfollow", **answers(Relationship))
async def unfollow(
    account_id: str, credentials: Credentials = Depends(FOLLOWS), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _act_and_relate(rt, _me(credentials), account_id, actions.unfollow_account)


@router.post(
    "/api/v1/accounts/{account_id}/remove_from_followers",
    summary="Remove a follower",
    **answers(Relationship),
)
async def remove_from_followers(
    account_id: str, credentials: Credentials = Depends(FOLLOWS), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _act_and_relate(rt, _me(credentials), account_id, actions.remove_from_followers)


@router.post("/api/v1/accounts/{account_id}/block", summary="Block", **answers(Relationship))
async def block(
    account_id: str, credentials: Credentials = Depends(BLOCKS), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _act_and_relate(rt, _me(credentials), account_id, actions.block_account)


@router.post("/api/v1/accounts/{account_id}/unblock", summary="Unblock", **answers(Relationship))
async def unblock(
    account_id: str, credentials: Credentials = Depends(BLOCKS), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _act_and_relate(rt, _me(credentials), account_id, actions.unblock_account)


class MuteParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    notifications: bool = True
    duration: int = Field(default=0)

    @field_validator("notifications", mode="before")
    @classmethod
    def _rails_bool(cls, value: Any) -> bool:
        return True if value is None else bool(bool_param(value))

    @field_validator("duration", mode="before")
    @classmethod
    def _blank_is_zero(cls, value: Any) -> Any:
        return 0 if value in (None, "") else value


@router.post("/api/v1/accounts/{account_id}/mute", summary="Mute", **answers(Relationship))
async def mute(
    account_id: str,
    credentials: Credentials = Depends(MUTES),
    params: MuteParams = form(MuteParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    async def act(db: Database, me: int, target: int) -> None:
        await actions.mute_account(
            db, me, target, notifications=params.notifications, duration=params.duration
        )

    return await _act_and_relate(rt, _me(credentials), account_id, act)


@router.post("/api/v1/accounts/{account_id}/unmute", summary="Unmute", **answers(Relationship))
async def unmute(
    account_id: str, credentials: Credentials = Depends(MUTES), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _act_and_relate(rt, _me(credentials), account_id, actions.unmute_account)


@router.get(
    "/api/v1/accounts/relationships",
    summary="One's relationships with accounts",
    **answers(list[Relationship]),
)
async def relationships(
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:follows")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    params = await read_params(request)
    raw = params.get("id", [])
    ids = [_id_or_none(str(v)) for v in (raw if isinstance(raw, list) else [raw])]
    found = await queries.relationships(rt.db, _me(credentials), [i for i in ids if i])
    return [relationship(r) for r in found]


def _id_or_none(raw: str) -> int | None:
    try:
        return parse_id(raw)
    except NotFound:
        return None


def _paged(request: Request, response: Response, listed: list[Listed]) -> list[Listed]:
    link = link_header(request, [item.cursor for item in listed])
    if link:
        response.headers["Link"] = link
    return listed


@router.get(
    "/api/v1/accounts/{account_id}/followers",
    summary="An account's followers",
    **answers(list[AccountEntity]),
)
async def followers(
    account_id: str,
    request: Request,
    response: Response,
    credentials: Credentials | None = Depends(scoped_if_token("read:accounts")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    viewer = credentials.account.id if credentials and credentials.account else None
    page = page_of(request, LIST_DEFAULT, LIST_MAX)
    listed = await queries.followers(rt.db, viewer, parse_id(account_id), page)
    return accounts(_paged(request, response, listed), rt.settings)


@router.get(
    "/api/v1/accounts/{account_id}/following",
    summary="Whom an account follows",
    **answers(list[AccountEntity]),
)
async def following(
    account_id: str,
    request: Request,
    response: Response,
    credentials: Credentials | None = Depends(scoped_if_token("read:accounts")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    viewer = credentials.account.id if credentials and credentials.account else None
    page = page_of(request, LIST_DEFAULT, LIST_MAX)
    listed = await queries.following(rt.db, viewer, parse_id(account_id), page)
    return accounts(_paged(request, response, listed), rt.settings)


@router.get("/api/v1/blocks", summary="Accounts one blocks", **answers(list[AccountEntity]))
async def blocks(
    request: Request,
    response: Response,
    credentials: Credentials = Depends(user_scoped("read:blocks")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    page = page_of(request, LIST_DEFAULT, LIST_MAX)
    listed = await queries.blocks(rt.db, _me(credentials), page)
    return accounts(_paged(request, response, listed), rt.settings)


@router.get("/api/v1/mutes", summary="Accounts one mutes", **answers(list[MutedAccount]))
async def mutes(
    request: Request,
    response: Response,
    credentials: Credentials = Depends(user_scoped("read:mutes")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    page = page_of(request, LIST_DEFAULT, LIST_MAX)
    listed = await queries.mutes(rt.db, _me(credentials), page)
    return muted_accounts(_paged(request, response, listed), rt.settings)


@router.get(
    "/api/v1/follow_requests", summary="Who asks to follow one", **answers(list[AccountEntity])
)
async def follow_requests(
    request: Request,
    response: Response,
    credentials: Credentials = Depends(user_scoped("read:follows")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    page = page_of(request, LIST_DEFAULT, LIST_MAX)
    listed = await queries.follow_requests(rt.db, _me(credentials), page)
    return accounts(_paged(request, response, listed), rt.settings)


@router.post(
    "/api/v1/follow_requests/{account_id}/authorize",
    summary="Accept a follow request",
    **answers(Relationship),
)
async def authorize(
    account_id: str, credentials: Credentials = Depends(FOLLOWS), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _act_and_relate(rt, _me(credentials), account_id, actions.authorize_follow_request)


@router.post(
    "/api/v1/follow_requests/{account_id}/reject",
    summary="Refuse a follow request",
    **answers(Relationship),
)
async def reject(
    account_id: str, credentials: Credentials = Depends(FOLLOWS), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    return await _act_and_relate(rt, _me(credentials), account_id, actions.reject_follow_request)
