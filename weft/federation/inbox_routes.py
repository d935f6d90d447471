"""The inboxes: ``POST /inbox`` (shared, also the instance actor's ``/actor/inbox``)
and ``POST /users/:username/inbox``.

Each delivery is read under a size cap (413), parsed (400), checked (the
signature and its key's owner: 401; a suspended server: 403), then recorded
and queued by ``weft.actions.inbound.receive_activity``; the answer is 202
whether the activity is new or a repeat. Processing happens in the
``federation.inbound`` job (``weft.federation.inbox``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from weft import json_input
from weft.actions.inbound import receive_activity
from weft.db.ids import new_id
from weft.errors import BadRequest
from weft.federation import jsonld, loading, verify
from weft.federation.remote import host_of
from weft.federation.routes import serve
from weft.runtime import Runtime, runtime

router = APIRouter(include_in_schema=False)

MAX_BODY = 1024 * 1024
# Mastodon sends the Add and Remove of a pin without an id. Both are idempotent,
# so such an activity gets a fresh id of its own here (on its actor's server)
# and is processed each time: the same pin, unpinned and pinned again, is the
# same body three times, which no dedup by content could tell apart.
IDLESS = frozenset({"Add", "Remove"})


@router.post("/inbox")
async def post_shared_inbox(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    return await serve(lambda: _receive(request, rt, None))


# The instance actor's own inbox (its document names it) is the shared one, as Mastodon's.
router.add_api_route("/actor/inbox", post_shared_inbox, methods=["POST"])


@router.post("/users/{username}/inbox")
async def post_inbox(request: Request, username: str, rt: Runtime = Depends(runtime)) -> Response:
    return await serve(lambda: _receive(request, rt, username))


async def _receive(request: Request, rt: Runtime, username: str | None) -> Response:
    if username is not None:
        await loading.federated_person(rt.db, username)
    body = await json_input.read_body(request, MAX_BODY)
    activity = parse_activity(body)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    account = await verify.signer(rt.db, rt.settings, "POST", path, request.headers, body)
    verify.check_actor(account, jsonld.first_id(activity.get("actor")))
    await receive_activity(rt.db, activity, account.id)
    return Response(status_code=202)


def parse_activity(body: bytes) -> dict[str, Any]:
    try:
        activity = json_input.parse(body)
    except json_input.JSONRefused as error:
        raise BadRequest(error.args[0]) from None
    except ValueError:
        raise BadRequest("The body is not JSON") from None
    if not isinstance(activity, dict):
        raise BadRequest("The body is not a JSON object")
    actor = jsonld.first_id(activity.get("actor"))
    if not activity.get("id") and actor and jsonld.types(activity) & IDLESS:
        activity["id"] = f"{actor}#weft-idless-{new_id()}"
    for name in ("id", "type", "actor"):
        if not activity.get(name):
            raise BadRequest(f"The activity has no {name}")
    if not isinstance(activity["id"], str) or actor is None:
        raise BadRequest("The activity's id and actor must be URLs")
    # A server names only its own activities: a borrowed id would make the real
    # activity look like a repeat, and be dropped.
    if host_of(activity["id"]) != host_of(actor):
        raise BadRequest("The activity's id must be on its actor's server")
    return activity
