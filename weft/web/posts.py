"""A post's page (the conversation around it), its edit history, and the
like / repost / save / delete buttons under every post.

The buttons are plain forms: without JavaScript the answer is a 303 back to
the page they were on; static/weft.js sends them with ``Accept:
application/json`` and gets the post's new state to update the button in
place. The rules are in the actions (weft/actions/interactions.py,
weft/actions/posts/) and the policies; a page shows only what the API's
``GET /api/v1/statuses/:id`` and ``/context`` would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from weft.actions import interactions
from weft.actions.posts.delete import delete_status
from weft.api.serializers.filters import filtering_for
from weft.api.serializers.statuses import status_edit_entity, status_entities, status_entity
from weft.db.database import Database
from weft.errors import NotFound
from weft.models import Account, Status, User
from weft.queries import statuses as queries
from weft.queries.accounts import lookup_account
from weft.queries.interactions import one_status
from weft.queries.status_bundle import load_bundle
from weft.runtime import Runtime, runtime
from weft.web.auth import safe_next
from weft.web.common import activity_id, require_user, with_alternate
from weft.web.errors import wants_json
from weft.web.replies import managed_replies
from weft.web.session import current_user, form_fields
from weft.web.templating import render

router = APIRouter()

Interaction = Callable[[Database, int, int], Awaitable[int]]
INTERACTIONS: dict[str, Interaction] = {
    "favourite": interactions.favourite,
    "unfavourite": interactions.unfavourite,
    "reblog": interactions.reblog,
    "unreblog": interactions.unreblog,
    "bookmark": interactions.bookmark,
    "unbookmark": interactions.unbookmark,
}
MAX_ID = 2**63 - 1


def _status_id(raw: int) -> int:
    if raw > MAX_ID:
        raise NotFound()
    return raw


def back_to(request: Request, fields: dict[str, str]) -> str:
    """Where a form goes back to: its ``next`` field, else the page it was sent
    from (same site only), else the front page."""
    if fields.get("next"):
        return safe_next(fields["next"])
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path:
        return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))
    return "/"


def _state(entity: dict[str, Any]) -> dict[str, Any]:
    """What a button needs after acting: the original post's marks and counts."""
    post = entity.get("reblog") or entity
    keys = ("id", "favourited", "reblogged", "bookmarked")
    counts = ("favourites_count", "reblogs_count", "replies_count", "quotes_count")
    return {key: post.get(key) for key in (*keys, *counts)}


async def _interact(request: Request, rt: Runtime, user: User, action: str, raw: int) -> Response:
    fields = await form_fields(request)
    acted_on = await INTERACTIONS[action](rt.db, user.account_id, _status_id(raw))
    if wants_json(request):
        page = await one_status(rt.db, user.account_id, acted_on)
        entity = status_entities(page.statuses, page.bundle, rt.settings)[0]
        return JSONResponse(_state(entity))
    return RedirectResponse(back_to(request, fields), status_code=303)


def _interaction_route(action: str) -> None:
    async def route(
        status_id: int,
        request: Request,
        user: User = Depends(require_user),
        rt: Runtime = Depends(runtime),
    ) -> Response:
        return await _interact(request, rt, user, action, status_id)

    route.__name__ = f"web_{action}"
    route.__doc__ = f"{action.capitalize()} a post from its button."
    router.add_api_route(
        f"/statuses/{{status_id:int}}/{action}", route, methods=["POST"], response_model=None
    )


for _action in INTERACTIONS:
    _interaction_route(_action)


@router.post("/statuses/{status_id:int}/delete", response_model=None)
async def delete(
    status_id: int,
    request: Request,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    """Delete one's own post; back to where the form was, unless that was the post's own page."""
    fields = await form_fields(request)
    deleted = await delete_status(rt.db, user.account_id, _status_id(status_id))
    if wants_json(request):
        return JSONResponse({"id": str(deleted.id), "deleted": True})
    target = back_to(request, fields)
    if urlsplit(target).path.rstrip("/").endswith(f"/{deleted.id}"):
        target = "/"
    return RedirectResponse(target, status_code=303)


async def _post_of(rt: Runtime, viewer_id: int | None, acct: str, raw: int) -> Status:
    """The post at ``/@acct/id``: it must exist, be the viewer's to see, and be acct's."""
    author = await lookup_account(rt.db, acct, rt.settings.domain)
    async with rt.db.read() as session:
        status = await queries.visible_status(session, viewer_id, _status_id(raw))
    if status.account_id != author.id:
        raise NotFound()
    return status


async def _canonical(rt: Runtime, status: Status) -> str:
    """A repost's page is its original's."""
    async with rt.db.read() as session:
        original = await session.get(Status, status.reblog_of_id)
        author = await session.get(Account, original.account_id) if original else None
    if original is None or author is None:
        raise NotFound()
    return f"/@{author.acct}/{original.id}"


@router.get("/@{acct}/{status_id:int}", response_model=None)
async def post_page(
    acct: str,
    status_id: int,
    request: Request,
    user: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    viewer = user.account_id if user else None
    status = await _post_of(rt, viewer, acct, status_id)
    if status.reblog_of_id is not None:
        redirect = RedirectResponse(await _canonical(rt, status), status_code=303)
        return with_alternate(redirect, None)
    async with rt.db.read() as session:
        thread = await queries.context(session, viewer, status)
        everything = [*thread.ancestors, status, *thread.descendants]
        bundle = await load_bundle(session, viewer, everything)
    entity = status_entity(
        status, bundle, rt.settings, filtering=await filtering_for(rt.db, viewer, None)
    )
    object_id = activity_id(bundle.author(status), entity["uri"])
    filtering = await filtering_for(rt.db, viewer, "thread")
    context = {
        "ancestors": status_entities(thread.ancestors, bundle, rt.settings, filtering),
        "status": entity,
        "descendants": status_entities(thread.descendants, bundle, rt.settings, filtering),
        "activity_id": object_id,
        **await managed_replies(rt, viewer, status, thread.ancestors),
    }
    return with_alternate(await render(request, "post.html", context), object_id)


@router.get("/@{acct}/{status_id:int}/history", response_model=None)
async def history_page(
    acct: str,
    status_id: int,
    request: Request,
    user: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    viewer = user.account_id if user else None
    status = await _post_of(rt, viewer, acct, status_id)
    async with rt.db.read() as session:
        versions = await queries.history(session, viewer, status.id)
        bundle = await load_bundle(session, viewer, [status])
        media = await queries.version_media(session, versions)
        author = await session.get(Account, status.account_id)
    assert author is not None
    shown = [(v, status_edit_entity(v, author, media, rt.settings)) for v in versions]
    context = {
        "status": status_entity(status, bundle, rt.settings),
        # Newest first, as people read a history; numbered from the original.
        "versions": list(reversed(list(enumerate(shown, start=1)))),
    }
    return await render(request, "history.html", context)
