"""Mastodon's filters: ``/api/v2/filters`` (with their keywords and posts) and
the deprecated ``/api/v1/filters`` (one keyword each), over the same rows as
the web's hidden words (weft/actions/filters.py; docs/api.md, "Filters")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from weft.actions import filters as actions
from weft.api.auth import Credentials, user_scoped
from weft.api.params import bool_param, check_text, form, indexed_list
from weft.api.schemas import Empty, answers, inputs
from weft.api.schemas.filters import Filter, FilterKeyword, FilterStatus, V1Filter
from weft.api.serializers.filters import (
    filter_entity,
    filter_status_entity,
    keyword_entity,
    v1_filter_entity,
)
from weft.errors import Invalid
from weft.queries import filters as queries
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["filters"])
READ = user_scoped("read:filters")
WRITE = user_scoped("write:filters")


class FilterParams(BaseModel):
    """``POST``/``PUT /api/v2/filters``."""

    model_config = ConfigDict(extra="ignore")

    title: Any = None
    context: Any = None
    filter_action: Any = None
    expires_in: Any = None
    keywords_attributes: Any = None


class KeywordParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    keyword: Any = None
    whole_word: Any = None


class StatusParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status_id: Any = None


class V1Params(BaseModel):
    """``POST``/``PUT /api/v1/filters``."""

    model_config = ConfigDict(extra="ignore")

    phrase: Any = None
    context: Any = None
    irreversible: Any = None
    whole_word: Any = None
    expires_in: Any = None


# --- parameters -------------------------------------------------------------------


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise Invalid(field, "must be text")
    check_text(str(value), field)
    return str(value)


def _flag(value: Any, field: str) -> bool | None:
    try:
        return bool_param(value)
    except ValueError:
        raise Invalid(field, "must be true or false") from None


def _context(value: Any, field: str = "context") -> list[str] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else indexed_list(value, field)
    if not all(isinstance(item, str) for item in items):
        raise Invalid(field, "must be a list of contexts")
    return [item for item in items if item]


def _expires_in(value: Any) -> int | None:
    """Seconds from now; blank or null for never."""
    if value is None or value == "":
        return None
    try:
        seconds = int(str(value).strip())
    except ValueError:
        raise Invalid("expires_in", "must be a whole number of seconds") from None
    return actions.check_expires_in(seconds)


def _keywords(value: Any) -> list[actions.KeywordChange]:
    changes = []
    for i, item in enumerate(indexed_list(value, "keywords_attributes")):
        field = f"keywords_attributes[{i}]"
        if not isinstance(item, dict):
            raise Invalid(field, "must be an object with a keyword")
        raw_id = item.get("id")
        changes.append(
            actions.KeywordChange(
                keyword=_text(item.get("keyword"), f"{field}[keyword]"),
                whole_word=_flag(item.get("whole_word"), f"{field}[whole_word]"),
                id=_id(raw_id, f"{field}[id]") if raw_id not in (None, "") else None,
                destroy=bool(_flag(item.get("_destroy"), f"{field}[_destroy]")),
            )
        )
    return changes


def _id(value: Any, field: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 19:
        raise Invalid(field, "must be an id")
    return int(text)


def _action(value: Any) -> str | None:
    return _text(value, "filter_action")


def _change(params: FilterParams) -> actions.FilterChange:
    return actions.FilterChange(
        title=_text(params.title, "title"),
        context=_context(params.context),
        action=_action(params.filter_action),
        expires_in=_expires_in(params.expires_in),
        set_expiry="expires_in" in params.model_fields_set,
        keywords=_keywords(params.keywords_attributes),
    )


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None  # user_scoped guarantees a person
    return credentials.account.id


# --- v2: filters --------------------------------------------------------------------


@router.get("/api/v2/filters", summary="One's filters", **answers(list[Filter]))
async def list_filters(
    credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> list[dict[str, Any]]:
    async with rt.db.read() as session:
        views = await queries.list_filters(session, _me(credentials))
    return [filter_entity(v) for v in views]


@router.get("/api/v2/filters/{filter_id}", summary="A filter", **answers(Filter))
async def show_filter(
    filter_id: str, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    async with rt.db.read() as session:
        view = await queries.own_filter(session, _me(credentials), parse_id(filter_id))
    return filter_entity(view)


@router.post(
    "/api/v2/filters",
    summary="Make a filter",
    **answers(Filter),
    **inputs(
        form=FilterParams,
        about="title, context[], filter_action, expires_in, "
        "keywords_attributes[][keyword], [whole_word]",
    ),
)
async def create_filter(
    credentials: Credentials = Depends(WRITE),
    params: FilterParams = form(FilterParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    view = await actions.create_filter(rt.db, _me(credentials), _change(params))
    return filter_entity(view)


@router.put(
    "/api/v2/filters/{filter_id}",
    summary="Change a filter",
    **answers(Filter),
    **inputs(form=FilterParams, about="keywords_attributes[][id] with _destroy removes one"),
)
async def update_filter(
    filter_id: str,
    credentials: Credentials = Depends(WRITE),
    params: FilterParams = form(FilterParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    view = await actions.update_filter(
        rt.db, _me(credentials), parse_id(filter_id), _change(params)
    )
    return filter_entity(view)


@router.delete("/api/v2/filters/{filter_id}", summary="Remove a filter", **answers(Empty))
async def delete_filter(
    filter_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await actions.delete_filter(rt.db, _me(credentials), parse_id(filter_id))
    return {}


# --- v2: keywords -------------------------------------------------------------------


@router.get(
    "/api/v2/filters/{filter_id}/keywords",
    summary="A filter's keywords",
    **answers(list[FilterKeyword]),
)
async def list_keywords(
    filter_id: str, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> list[dict[str, Any]]:
    async with rt.db.read() as session:
        view = await queries.own_filter(session, _me(credentials), parse_id(filter_id))
    return [keyword_entity(k) for k in view.keywords]


@router.post(
    "/api/v2/filters/{filter_id}/keywords",
    summary="Add a keyword to a filter",
    **answers(FilterKeyword),
    **inputs(form=KeywordParams),
)
async def add_keyword(
    filter_id: str,
    credentials: Credentials = Depends(WRITE),
    params: KeywordParams = form(KeywordParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    row = await actions.add_keyword(
        rt.db,
        _me(credentials),
        parse_id(filter_id),
        _text(params.keyword, "keyword"),
        _flag(params.whole_word, "whole_word"),
    )
    return keyword_entity(row)


@router.get("/api/v2/filters/keywords/{keyword_id}", summary="A keyword", **answers(FilterKeyword))
async def show_keyword(
    keyword_id: str, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    async with rt.db.read() as session:
        row, _ = await queries.own_keyword(session, _me(credentials), parse_id(keyword_id))
    return keyword_entity(row)


@router.put(
    "/api/v2/filters/keywords/{keyword_id}",
    summary="Change a keyword",
    **answers(FilterKeyword),
    **inputs(form=KeywordParams),
)
async def update_keyword(
    keyword_id: str,
    credentials: Credentials = Depends(WRITE),
    params: KeywordParams = form(KeywordParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    row = await actions.update_keyword(
        rt.db,
        _me(credentials),
        parse_id(keyword_id),
        _text(params.keyword, "keyword"),
        _flag(params.whole_word, "whole_word"),
    )
    return keyword_entity(row)


@router.delete(
    "/api/v2/filters/keywords/{keyword_id}", summary="Remove a keyword", **answers(Empty)
)
async def delete_keyword(
    keyword_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await actions.delete_keyword(rt.db, _me(credentials), parse_id(keyword_id))
    return {}


# --- v2: posts ----------------------------------------------------------------------


@router.get(
    "/api/v2/filters/{filter_id}/statuses",
    summary="A filter's posts",
    **answers(list[FilterStatus]),
)
async def list_statuses(
    filter_id: str, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> list[dict[str, Any]]:
    async with rt.db.read() as session:
        view = await queries.own_filter(session, _me(credentials), parse_id(filter_id))
    return [filter_status_entity(s) for s in view.statuses]


@router.post(
    "/api/v2/filters/{filter_id}/statuses",
    summary="Add a post to a filter",
    **answers(FilterStatus),
    **inputs(form=StatusParams),
)
async def add_status(
    filter_id: str,
    credentials: Credentials = Depends(WRITE),
    params: StatusParams = form(StatusParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    if params.status_id in (None, ""):
        raise Invalid("status_id", "can't be blank", "ERR_BLANK")
    row = await actions.add_filter_status(
        rt.db, _me(credentials), parse_id(filter_id), _id(params.status_id, "status_id")
    )
    return filter_status_entity(row)


@router.get(
    "/api/v2/filters/statuses/{filter_status_id}",
    summary="A filtered post",
    **answers(FilterStatus),
)
async def show_status(
    filter_status_id: str,
    credentials: Credentials = Depends(READ),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    async with rt.db.read() as session:
        row, _ = await queries.own_filter_status(
            session, _me(credentials), parse_id(filter_status_id)
        )
    return filter_status_entity(row)


@router.delete(
    "/api/v2/filters/statuses/{filter_status_id}",
    summary="Remove a post from a filter",
    **answers(Empty),
)
async def delete_status(
    filter_status_id: str,
    credentials: Credentials = Depends(WRITE),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    await actions.delete_filter_status(rt.db, _me(credentials), parse_id(filter_status_id))
    return {}


# --- v1 (deprecated): one keyword is one filter --------------------------------------


@router.get("/api/v1/filters", summary="One's filters (v1)", **answers(list[V1Filter]))
async def list_v1(
    credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> list[dict[str, Any]]:
    async with rt.db.read() as session:
        found = await queries.all_keywords(session, _me(credentials))
    return [v1_filter_entity(k, f) for k, f in found]


@router.get("/api/v1/filters/{keyword_id}", summary="A filter (v1)", **answers(V1Filter))
async def show_v1(
    keyword_id: str, credentials: Credentials = Depends(READ), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    async with rt.db.read() as session:
        row, parent = await queries.own_keyword(session, _me(credentials), parse_id(keyword_id))
    return v1_filter_entity(row, parent)


def _v1_action(params: V1Params) -> str | None:
    hide = _flag(params.irreversible, "irreversible")
    return None if hide is None else ("hide" if hide else "warn")


@router.post(
    "/api/v1/filters",
    summary="Make a filter (v1)",
    **answers(V1Filter),
    **inputs(form=V1Params),
)
async def create_v1(
    credentials: Credentials = Depends(WRITE),
    params: V1Params = form(V1Params),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    phrase = actions.check_keyword(_text(params.phrase, "phrase"), "phrase")
    change = actions.FilterChange(
        title=phrase,
        context=_context(params.context) or [],
        action=_v1_action(params),
        expires_in=_expires_in(params.expires_in),
        keywords=[actions.KeywordChange(phrase, _flag(params.whole_word, "whole_word"))],
    )
    view = await actions.create_filter(rt.db, _me(credentials), change)
    return v1_filter_entity(view.keywords[0], view.filter)


@router.put(
    "/api/v1/filters/{keyword_id}",
    summary="Change a filter (v1)",
    **answers(V1Filter),
    **inputs(form=V1Params),
)
async def update_v1(
    keyword_id: str,
    credentials: Credentials = Depends(WRITE),
    params: V1Params = form(V1Params),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    keyword = actions.KeywordChange(
        _text(params.phrase, "phrase"), _flag(params.whole_word, "whole_word")
    )
    change = actions.FilterChange(
        context=_context(params.context),
        action=_v1_action(params),
        expires_in=_expires_in(params.expires_in),
        set_expiry="expires_in" in params.model_fields_set,
    )
    row, parent = await actions.update_v1(
        rt.db, _me(credentials), parse_id(keyword_id), keyword, change
    )
    return v1_filter_entity(row, parent)


@router.delete("/api/v1/filters/{keyword_id}", summary="Remove a filter (v1)", **answers(Empty))
async def delete_v1(
    keyword_id: str, credentials: Credentials = Depends(WRITE), rt: Runtime = Depends(runtime)
) -> dict[str, Any]:
    await actions.delete_v1(rt.db, _me(credentials), parse_id(keyword_id))
    return {}
