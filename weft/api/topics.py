"""Topics and followed tags.

Weft's ``GET /api/weft/v1/topics/:name`` and ``.../statuses`` (``order``
``recent`` or ``top``), and Mastodon's ``GET /api/v1/tags/:name``,
``POST /api/v1/tags/:name/follow`` and ``/unfollow`` and
``GET /api/v1/followed_tags``, which take topics and hashtags alike."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from weft.actions.topics import follow_tag, unfollow_tag
from weft.api.auth import Credentials, scoped_if_token, user_scoped
from weft.api.pagination import page_of
from weft.api.timelines import page_response, viewer_of
from weft.config import Settings
from weft.errors import Invalid
from weft.models import Tag
from weft.queries.topics import ORDERS, TOP_POOL, followed_tags, tag_view, topic_statuses
from weft.runtime import Runtime, runtime

router = APIRouter()


def tag_entity(tag: Tag, settings: Settings, following: bool | None) -> dict[str, Any]:
    """Mastodon's Tag (``following`` only for a signed-in viewer)."""
    entity: dict[str, Any] = {
        "id": str(tag.id),
        "name": tag.name,
        "url": f"{settings.base_url}/tags/{quote(tag.name.lower())}",
        "history": [],
    }
    if following is not None:
        entity["following"] = following
    return entity


@router.get("/api/v1/tags/{name}")
async def tag(
    name: str,
    credentials: Credentials | None = Depends(scoped_if_token("read")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    viewer = viewer_of(credentials)
    view = await tag_view(rt.db, viewer, name)
    return tag_entity(view.tag, rt.settings, view.following if viewer else None)


@router.post("/api/v1/tags/{name}/follow")
async def follow(
    name: str,
    credentials: Credentials = Depends(user_scoped("write:follows")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    assert credentials.account is not None
    followed = await follow_tag(rt.db, credentials.account.id, name)
    return tag_entity(followed, rt.settings, True)


@router.post("/api/v1/tags/{name}/unfollow")
async def unfollow(
    name: str,
    credentials: Credentials = Depends(user_scoped("write:follows")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    assert credentials.account is not None
    left = await unfollow_tag(rt.db, credentials.account.id, name)
    return tag_entity(left, rt.settings, False)


@router.get("/api/v1/followed_tags")
async def followed(
    credentials: Credentials = Depends(user_scoped("read:follows")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    assert credentials.account is not None
    tags = await followed_tags(rt.db, credentials.account.id)
    return [tag_entity(t, rt.settings, True) for t in tags]


@router.get("/api/weft/v1/topics/{name}")
async def topic(
    name: str,
    credentials: Credentials | None = Depends(scoped_if_token("read")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    viewer = viewer_of(credentials)
    view = await tag_view(rt.db, viewer, name)
    entity = tag_entity(view.tag, rt.settings, view.following if viewer else None)
    entity["url"] = f"{rt.settings.base_url}/topics/{quote(view.tag.name)}"
    entity["posts_count"] = view.posts_count
    return entity


@router.get("/api/weft/v1/topics/{name}/statuses")
async def statuses(
    name: str,
    request: Request,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    order = request.query_params.get("order", "recent").lower()
    if order not in ORDERS:
        raise Invalid("order", f"must be one of: {', '.join(ORDERS)}", "ERR_INCLUSION")
    raw_offset = request.query_params.get("offset", "0")
    if not raw_offset.isdigit() or int(raw_offset) >= TOP_POOL:
        raise Invalid("offset", f"must be a whole number below {TOP_POOL}")
    page = await topic_statuses(
        rt.db, viewer_of(credentials), name, order, page_of(request), int(raw_offset)
    )
    return page_response(request, rt, page)
