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
from weft.api.pagination import page_of, paged_json
from weft.api.schemas import PAGING, answers, inputs, query
from weft.api.schemas.accounts import Tag as TagEntity
from weft.api.schemas.accounts import Topic
from weft.api.schemas.statuses import Status
from weft.api.serializers.filters import filtering_for
from weft.api.timelines import page_response, viewer_of
from weft.config import Settings
from weft.errors import Invalid
from weft.models import Tag
from weft.queries.topics import ORDERS, TOP_POOL, followed_tags, tag_view, topic_statuses
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["tags and topics"])


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


@router.get("/api/v1/tags/{name}", summary="A hashtag", **answers(TagEntity))
async def tag(
    name: str,
    credentials: Credentials | None = Depends(scoped_if_token("read")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    viewer = viewer_of(credentials)
    view = await tag_view(rt.db, viewer, name)
    return tag_entity(view.tag, rt.settings, view.following if viewer else None)


@router.post("/api/v1/tags/{name}/follow", summary="Follow a hashtag", **answers(TagEntity))
async def follow(
    name: str,
    credentials: Credentials = Depends(user_scoped("write:follows")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    assert credentials.account is not None
    followed = await follow_tag(rt.db, credentials.account.id, name)
    return tag_entity(followed, rt.settings, True)


@router.post("/api/v1/tags/{name}/unfollow", summary="Unfollow a hashtag", **answers(TagEntity))
async def unfollow(
    name: str,
    credentials: Credentials = Depends(user_scoped("write:follows")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    assert credentials.account is not None
    left = await unfollow_tag(rt.db, credentials.account.id, name)
    return tag_entity(left, rt.settings, False)


@router.get(
    "/api/v1/followed_tags",
    summary="Hashtags one follows",
    description="Most recently followed first, paged by the follow (100 by default, at most "
    "200, as Mastodon), with a `Link` header.",
    **answers(list[TagEntity]),
    **inputs(*PAGING),
)
async def followed(
    request: Request,
    credentials: Credentials = Depends(user_scoped("read:follows")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    assert credentials.account is not None
    page = page_of(request, default=100, maximum=200)
    rows = await followed_tags(rt.db, credentials.account.id, page)
    body = [tag_entity(tag, rt.settings, True) for _, tag in rows]
    return paged_json(request, body, [cursor for cursor, _ in rows])


@router.get(
    "/api/weft/v1/topics/{name}",
    summary="Weft: a topic",
    description="A post's topic (Threads' `topic_tag`): the Tag, with its page and how many "
    "posts have it; `following` for a signed-in viewer.",
    **answers(Topic),
)
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


@router.get(
    "/api/weft/v1/topics/{name}/statuses",
    summary="Weft: the posts of a topic",
    description="Public posts with this topic: the newest first (`order=recent`), or the "
    "most engaging of the recent ones (`order=top`, paged with `offset`).",
    **answers(list[Status]),
    **inputs(
        query(
            "order", {"type": "string", "enum": list(ORDERS), "default": "recent"}, "recent or top."
        ),
        query(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": TOP_POOL - 1, "default": 0},
            "How many to skip (top).",
        ),
        *PAGING,
    ),
)
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
    filtering = await filtering_for(rt.db, viewer_of(credentials), "public")
    return page_response(request, rt, page, filtering)
