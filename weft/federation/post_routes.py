"""A local post and what hangs off it: its Note, its ``Create`` (or a repost's
``Announce``), its ``likes`` and ``shares``.

Each answers what the fetcher may see, by the same policies as every other
door (``loading.visible_post``): anyone sees public and unlisted posts; a
followers-only or direct post is served to a GET signed by an actor the
policies let see it (a follower, someone mentioned), as Mastodon does, and is
a 404 to everyone else, signed or not. Without ``WEFT_AUTHORIZED_FETCH`` the
signature is only checked when the post is not public, so a public fetch never
costs a key look-up. Answers that depend on the signature say so in ``Vary``,
and a non-public post is never stored by a cache (``Cache-Control: private,
no-store``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from weft.config import Settings
from weft.errors import NotFound
from weft.federation import activities, loading, notes, verify
from weft.federation.actors import AS_CONTEXT, actor_uri, followers_uri
from weft.federation.loading import NoteSources
from weft.federation.routes import ActivityRoute, activity_json, redirect, serve, wants_activity
from weft.models import Status
from weft.policies.statuses import PUBLIC_VISIBILITIES
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime

router = APIRouter(include_in_schema=False)

# Who signed decides what is served: a cache must not hand one fetcher's answer to another.
VARY = {"Vary": "Accept, Signature, Signature-Input"}
PRIVATE = {"Cache-Control": "private, no-store"}


async def visible(
    rt: Runtime, request: Request, username: str, raw_id: str, *, reposts: bool = False
) -> tuple[Status, NoteSources]:
    """The post ``raw_id`` of ``username`` as this request's signer (if any) may see it."""
    viewer = await verify.require_signature(rt.db, rt.settings, request)
    account = await loading.federated_person(rt.db, username)
    status_id = parse_id(raw_id)
    viewer_id = viewer.id if viewer is not None else None
    try:
        sources = await loading.visible_post(rt.db, account, status_id, viewer_id, reposts=reposts)
    except NotFound:
        if viewer is not None:
            raise
        viewer = await verify.signer_if_any(rt.db, rt.settings, request)
        if viewer is None:
            raise
        sources = await loading.visible_post(rt.db, account, status_id, viewer.id, reposts=reposts)
    return sources.bundle.statuses[status_id], sources


def answer(document: dict[str, Any], status: Status) -> Response:
    response = activity_json(document)
    if status.visibility not in PUBLIC_VISIBILITIES:
        response.headers.update(PRIVATE)
    return response


# --- the Note, at its id and at its web page ---------------------------------------


@router.get("/users/{username}/statuses/{status_id}")
async def get_note(
    request: Request, username: str, status_id: str, rt: Runtime = Depends(runtime)
) -> Response:
    if not wants_activity(request):
        return redirect(f"{rt.settings.base_url}/@{username}/{status_id}")
    return await _note(request, username, status_id, rt)


async def get_note_by_url(
    request: Request, username: str, status_id: int, rt: Runtime = Depends(runtime)
) -> Response:
    return await _note(request, username, str(status_id), rt)


# ``/@alice/123`` asked for as ActivityStreams (Mastodon serves the Note there
# too); a browser's request falls through to the web page.
router.add_api_route(
    "/@{username}/{status_id:int}",
    get_note_by_url,
    methods=["GET"],
    route_class_override=ActivityRoute,
)


async def _note(request: Request, username: str, raw_id: str, rt: Runtime) -> Response:
    async def build() -> Response:
        status, sources = await visible(rt, request, username, raw_id)
        return answer(notes.note(status, sources, rt.settings, context=True), status)

    return await serve(build, VARY)


# --- the activity that published it ---------------------------------------------------


@router.get("/users/{username}/statuses/{status_id}/activity")
async def get_activity(
    request: Request, username: str, status_id: str, rt: Runtime = Depends(runtime)
) -> Response:
    """The ``Create`` of a post, or the ``Announce`` of a repost: the ids the
    outbox and deliveries give them."""

    async def build() -> Response:
        status, sources = await visible(rt, request, username, status_id, reposts=True)
        if status.reblog_of_id is None:
            note = notes.note(status, sources, rt.settings)
            return answer(activities.create_note(note), status)
        return answer(_announce(status, sources, rt.settings), status)

    return await serve(build, VARY)


def _announce(repost: Status, sources: NoteSources, settings: Settings) -> dict[str, Any]:
    bundle = sources.bundle
    me = actor_uri(bundle.author(repost), settings)
    original = bundle.statuses[repost.reblog_of_id or 0]
    original_author = bundle.author(original)
    to, cc = activities.announce_addressing(
        repost.visibility,
        followers_uri(bundle.author(repost), settings),
        actor_uri(original_author, settings),
    )
    return activities.announce(
        f"{me}/statuses/{repost.id}",
        me,
        notes.note_uri(original, original_author, settings),
        repost.created_at,
        to,
        cc,
    )


# --- likes and shares: counts only ------------------------------------------------------


@router.get("/users/{username}/statuses/{status_id}/likes")
async def get_likes(
    request: Request, username: str, status_id: str, rt: Runtime = Depends(runtime)
) -> Response:
    return await _counted(request, username, status_id, "likes", rt)


@router.get("/users/{username}/statuses/{status_id}/shares")
async def get_shares(
    request: Request, username: str, status_id: str, rt: Runtime = Depends(runtime)
) -> Response:
    return await _counted(request, username, status_id, "shares", rt)


async def _counted(
    request: Request, username: str, raw_id: str, which: str, rt: Runtime
) -> Response:
    async def build() -> Response:
        status, sources = await visible(rt, request, username, raw_id)
        uri = notes.note_uri(status, sources.bundle.author(status), rt.settings)
        total = status.favourites_count if which == "likes" else status.reblogs_count
        document = {"@context": AS_CONTEXT, **notes.counted(f"{uri}/{which}", total)}
        return answer(document, status)

    return await serve(build, VARY)


__all__ = ["router"]
