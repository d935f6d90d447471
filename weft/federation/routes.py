"""The ActivityPub read side: discovery documents, actors, collections, posts.

Routes parse, load (``loading``) and render (``actors``, ``notes``,
``collections``); errors answer as JSON with the same status codes as the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import Scope

from weft.errors import WeftError
from weft.federation import (
    actors,
    collections,
    loading,
    nodeinfo,
    notes,
    quotes,
    verify,
    webfinger,
)
from weft.queries.accounts import parse_id
from weft.queries.instance import registration
from weft.runtime import Runtime, runtime

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
GRAPH_PAGE_SIZE = 40
CORS = {"Access-Control-Allow-Origin": "*"}
AS_TYPES = ("application/activity+json", "application/ld+json")


def wants_activity(request: Request) -> bool:
    return accepts_activity(request.headers.get("accept", ""))


def accepts_activity(accept: str) -> bool:
    accept = accept.lower()
    if any(kind in accept for kind in AS_TYPES):
        return True
    return "application/json" in accept and "text/html" not in accept


class ActivityRoute(APIRoute):
    """A route that answers only requests asking for ActivityStreams: others
    fall through to the next route with the same path (the web page)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # Every page request not answered before passes here: the path first, it is cheap.
        if scope["type"] != "http" or not scope["path"].startswith("/@"):
            return Match.NONE, {}
        if not accepts_activity(Headers(scope=scope).get("accept", "")):
            return Match.NONE, {}
        return super().matches(scope)


def activity_json(document: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(document, status_code=status, media_type=actors.ACTIVITY_JSON)


async def serve(
    build: Callable[[], Awaitable[Response]], headers: dict[str, str] | None = None
) -> Response:
    """``build()``, with domain errors as ``{"error": ...}`` (and ``headers`` on both)."""
    try:
        response = await build()
    except WeftError as error:
        response = JSONResponse({"error": error.message}, status_code=error.status)
    response.headers.update(headers or {})
    return response


def max_id_of(raw: str | None) -> int | None:
    return parse_id(raw) if raw else None


# --- discovery -----------------------------------------------------------------------


@router.get("/.well-known/webfinger")
async def get_webfinger(
    request: Request, resource: str | None = None, rt: Runtime = Depends(runtime)
) -> Response:
    async def build() -> Response:
        username = webfinger.requested_username(resource, rt.settings)
        account = await webfinger.find_actor(rt.db, rt.settings, username)
        document = webfinger.jrd(account, rt.settings)
        return JSONResponse(document, media_type=webfinger.JRD_JSON)

    return await serve(build, CORS)


@router.get("/.well-known/host-meta")
async def get_host_meta(rt: Runtime = Depends(runtime)) -> Response:
    body = webfinger.host_meta(rt.settings)
    return Response(body, media_type="application/xrd+xml", headers=CORS)


@router.get("/.well-known/nodeinfo")
async def get_nodeinfo_links(rt: Runtime = Depends(runtime)) -> Response:
    return JSONResponse(nodeinfo.links(rt.settings), headers=CORS)


@router.get("/nodeinfo/{version}")
async def get_nodeinfo(version: str, rt: Runtime = Depends(runtime)) -> Response:
    if version not in nodeinfo.VERSIONS:
        return JSONResponse({"error": "Record not found"}, status_code=404)
    sign_ups = await registration(rt.db, rt.settings)
    document = nodeinfo.nodeinfo(
        version, rt.settings, await nodeinfo.usage(rt.db), open_registrations=sign_ups.enabled
    )
    return JSONResponse(document, media_type=nodeinfo.content_type(version), headers=CORS)


# --- actors --------------------------------------------------------------------------


@router.get("/actor")
async def get_instance_actor(rt: Runtime = Depends(runtime)) -> Response:
    account = await loading.instance_actor(rt.db, rt.settings)
    return activity_json(actors.application(account, rt.settings))


@router.get("/actor/outbox")
async def get_instance_outbox(rt: Runtime = Depends(runtime)) -> Response:
    """The instance actor publishes nothing, but its ``outbox`` must resolve."""
    document = collections.collection(f"{rt.settings.base_url}/actor/outbox", 0, paged=False)
    document["orderedItems"] = []
    return activity_json(document)


@router.get("/users/{username}")
async def get_person(request: Request, username: str, rt: Runtime = Depends(runtime)) -> Response:
    if not wants_activity(request):
        return redirect(f"{rt.settings.base_url}/@{username}")
    return await _person(request, username, rt)


async def get_person_by_url(
    request: Request, username: str, rt: Runtime = Depends(runtime)
) -> Response:
    return await _person(request, username, rt)


# ``/@alice`` asked for as ActivityStreams (Mastodon serves the actor there
# too); a browser's request falls through to the web page.
router.add_api_route(
    "/@{username}", get_person_by_url, methods=["GET"], route_class_override=ActivityRoute
)


async def _person(request: Request, username: str, rt: Runtime) -> Response:
    async def build() -> Response:
        await verify.require_signature(rt.db, rt.settings, request)
        account = await loading.person_with_key(rt.db, username)
        return activity_json(actors.person(account, rt.settings))

    return await serve(build, {"Vary": "Accept"})


@router.get("/users/{username}/statuses/{status_id}/quotes/{quote_id}")
async def get_quote_authorization(
    request: Request, username: str, status_id: str, quote_id: str, rt: Runtime = Depends(runtime)
) -> Response:
    """FEP-044f's ``QuoteAuthorization`` of an accepted quote of the post (404 once
    revoked or gone): the proof other servers check before showing the quote."""

    async def build() -> Response:
        await verify.require_signature(rt.db, rt.settings, request)
        account = await loading.federated_person(rt.db, username)
        quoted, quote = await loading.accepted_quote(
            rt.db, account, parse_id(status_id), parse_id(quote_id)
        )
        authorization = notes.authorization_uri(quoted, account, quote.id, rt.settings)
        me = actors.actor_uri(account, rt.settings)
        quoted_uri = notes.note_uri(quoted, account, rt.settings)
        document = quotes.authorization_document(authorization, me, str(quote.uri), quoted_uri)
        return activity_json(document)

    return await serve(build)


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=302, headers={"Vary": "Accept"})


# --- collections ---------------------------------------------------------------------


@router.get("/users/{username}/outbox")
async def get_outbox(
    request: Request,
    username: str,
    page: str | None = None,
    max_id: str | None = None,
    rt: Runtime = Depends(runtime),
) -> Response:
    async def build() -> Response:
        await verify.require_signature(rt.db, rt.settings, request)
        account = await loading.federated_person(rt.db, username)
        uri = f"{actors.actor_uri(account, rt.settings)}/outbox"
        if page is None:
            return activity_json(collections.collection(uri, account.statuses_count))
        loaded = await loading.outbox_page(rt.db, account, max_id_of(max_id), PAGE_SIZE)
        page_uri = f"{uri}?page=true" + (f"&max_id={max_id}" if max_id else "")
        items = collections.outbox_items(loaded, rt.settings)
        document = collections.collection_page(
            uri, page_uri, items, loaded.next_max_id, context=actors.CONTEXT
        )
        return activity_json(document)

    return await serve(build)


@router.get("/users/{username}/followers")
async def get_followers(
    request: Request,
    username: str,
    page: str | None = None,
    max_id: str | None = None,
    rt: Runtime = Depends(runtime),
) -> Response:
    return await serve(lambda: _graph(rt, request, username, "followers", page, max_id))


@router.get("/users/{username}/following")
async def get_following(
    request: Request,
    username: str,
    page: str | None = None,
    max_id: str | None = None,
    rt: Runtime = Depends(runtime),
) -> Response:
    return await serve(lambda: _graph(rt, request, username, "following", page, max_id))


async def _graph(
    rt: Runtime,
    request: Request,
    username: str,
    which: str,
    page: str | None,
    max_id: str | None,
) -> Response:
    """Its size always; its members only when the person does not hide them."""
    await verify.require_signature(rt.db, rt.settings, request)
    account = await loading.federated_person(rt.db, username)
    uri = f"{actors.actor_uri(account, rt.settings)}/{which}"
    total = account.followers_count if which == "followers" else account.following_count
    if page is None or account.hide_collections:
        document = collections.collection(uri, total, paged=not account.hide_collections)
        return activity_json(document)
    members, next_max_id = await loading.graph_page(
        rt.db, account, which, max_id_of(max_id), GRAPH_PAGE_SIZE
    )
    page_uri = f"{uri}?page=true" + (f"&max_id={max_id}" if max_id else "")
    items = collections.account_uris(members, rt.settings)
    document = collections.collection_page(uri, page_uri, items, next_max_id)
    document["totalItems"] = total
    return activity_json(document)


@router.get("/users/{username}/collections/featured")
async def get_featured(request: Request, username: str, rt: Runtime = Depends(runtime)) -> Response:
    async def build() -> Response:
        await verify.require_signature(rt.db, rt.settings, request)
        account = await loading.federated_person(rt.db, username)
        uri = f"{actors.actor_uri(account, rt.settings)}/collections/featured"
        pinned = await loading.featured(rt.db, account, PAGE_SIZE)
        return activity_json(collections.featured_collection(uri, pinned, rt.settings))

    return await serve(build)


__all__ = ["router"]
