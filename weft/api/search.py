"""Search over the Mastodon API: ``/api/v2/search`` and ``/api/v1/accounts/search``.

The rules (who appears, what a word matches) are in weft/queries/search.py;
here the parameters are read and the front-door checks Mastodon makes are
made: ``resolve`` and ``offset`` need a signed-in person.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, field_validator

from weft.api.auth import Credentials, scoped_if_token, user_scoped
from weft.api.params import bool_param, form
from weft.api.schemas import answers
from weft.api.schemas.accounts import Account as AccountEntity
from weft.api.schemas.notifications import Search
from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.filters import filtering_for
from weft.api.serializers.search import search_entity
from weft.db.paging import MAX_SQL_INTEGER
from weft.errors import Invalid, Unauthorized
from weft.queries.search import TYPES, SearchRequest, search
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["search"])

RESOLVE_NEEDS_USER = (
    "Search queries that resolve remote resources are not supported without authentication"
)
OFFSET_NEEDS_USER = "Search queries pagination is not supported without authentication"


def _id(name: str, value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_SQL_INTEGER:
        raise Invalid(name, "must be an id")
    return int(value)


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str
    resolve: bool = False
    following: bool = False
    limit: int | None = None
    offset: int = 0

    @field_validator("resolve", "following", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        return bool(bool_param(value))

    @field_validator("offset")
    @classmethod
    def _offset(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be 0 or more")
        if value > MAX_SQL_INTEGER:
            raise ValueError(f"must be at most {MAX_SQL_INTEGER}")
        return value


class SearchParams(_Params):
    type: str | None = None
    account_id: str | None = None
    exclude_unreviewed: bool = False
    max_id: str | None = None
    min_id: str | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> str | None:
        if value in (None, ""):
            return None
        if value not in TYPES:
            raise ValueError("must be accounts, statuses or hashtags")
        return str(value)

    @field_validator("exclude_unreviewed", mode="before")
    @classmethod
    def _unreviewed(cls, value: Any) -> bool:
        return bool(bool_param(value))


def _viewer(credentials: Credentials | None, params: _Params) -> int | None:
    """The searching account; ``resolve`` and ``offset`` need one (Mastodon's rule)."""
    viewer = credentials.account.id if credentials and credentials.account else None
    if viewer is None and params.resolve:
        raise Unauthorized(RESOLVE_NEEDS_USER)
    if viewer is None and params.offset > 0:
        raise Unauthorized(OFFSET_NEEDS_USER)
    return viewer


def _limit(raw: int | None, default: int, maximum: int) -> int:
    return max(1, min(raw if raw is not None else default, maximum))


@router.get("/api/v2/search", summary="Search accounts, posts and hashtags", **answers(Search))
async def search_v2(
    credentials: Credentials | None = Depends(scoped_if_token("read:search")),
    params: SearchParams = form(SearchParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    # Mastodon has no review of hashtags here: none is unreviewed, so
    # ``exclude_unreviewed`` leaves every tag in.
    account_id = _id("account_id", params.account_id)
    wanted = SearchRequest(
        q=params.q,
        type=params.type,
        viewer_id=_viewer(credentials, params),
        resolve=params.resolve,
        following=params.following,
        account_id=account_id,
        max_id=_id("max_id", params.max_id),
        min_id=_id("min_id", params.min_id),
        limit=_limit(params.limit, 20, 40),
        offset=params.offset,
    )
    results = await search(rt.db, rt.settings, wanted)
    filtering = await filtering_for(rt.db, wanted.viewer_id, "public")
    return search_entity(results, rt.settings, filtering)


@router.get("/api/v1/accounts/search", summary="Search accounts", **answers(list[AccountEntity]))
async def search_accounts(
    credentials: Credentials = Depends(user_scoped("read:accounts")),
    params: _Params = form(_Params),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    wanted = SearchRequest(
        q=params.q,
        type="accounts",
        viewer_id=_viewer(credentials, params),
        resolve=params.resolve,
        following=params.following,
        limit=_limit(params.limit, 40, 80),
        offset=params.offset,
    )
    results = await search(rt.db, rt.settings, wanted)
    return [account_entity(a, rt.settings, results.moved.get(a.id)) for a in results.accounts]
