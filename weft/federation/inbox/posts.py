"""Create, Update, Delete, Like and Announce: posts and what people do to them."""

from __future__ import annotations

from typing import Any

from weft.actions import interactions
from weft.actions.posts.remote import (
    create_remote_status,
    delete_remote_status,
    update_remote_status,
)
from weft.federation import jsonld
from weft.federation.inbox import actors, messages, polls
from weft.federation.inbox.context import Inbound
from weft.federation.remote import (
    ACTOR_TYPES,
    fetch_account,
    fetch_document,
    parse_actor,
    store_actor,
)
from weft.federation.remote_notes import NOTE_TYPES, fetch_status, note_author, read_note


async def _object_document(inbound: Inbound) -> dict[str, Any] | None:
    """The activity's object: embedded and trusted when it is on the actor's own
    server (the signature covers it), fetched by its id otherwise."""
    embedded = inbound.embedded
    if embedded is not None and inbound.same_origin(jsonld.first_id(embedded)):
        return embedded
    if inbound.object_id is None:
        return None
    return await fetch_document(inbound.db, inbound.settings, inbound.object_id, inbound.budget)


async def on_create(inbound: Inbound) -> str:
    document = await _object_document(inbound)
    if document is None or not jsonld.types(document) & NOTE_TYPES:
        return "ignored: not a post"
    if note_author(document) != inbound.actor.uri:
        return "ignored: a post by someone else"
    as_chat = await messages.as_message(inbound, document)
    if as_chat is not None:
        return as_chat
    voted = await polls.as_vote(inbound, document)
    if voted is not None:
        return voted
    note = await read_note(
        inbound.db,
        inbound.settings,
        document,
        inbound.actor,
        budget=inbound.budget,
        activity_uri=inbound.id,
    )
    status = await create_remote_status(inbound.db, note)
    if status is None:
        return "dropped: a reply its parent's reply policy refuses"
    return f"stored post {status.id}"


async def on_update(inbound: Inbound) -> str:
    document = inbound.embedded
    if document is None:
        return "ignored: an update without its object"
    kinds = jsonld.types(document)
    if kinds & ACTOR_TYPES:
        return await _update_actor(inbound, document)
    if not kinds & NOTE_TYPES:
        return "ignored: not a post or an actor"
    if not inbound.same_origin(jsonld.first_id(document)):
        document = await fetch_document(
            inbound.db, inbound.settings, str(document.get("id")), inbound.budget
        )
    if note_author(document) != inbound.actor.uri:
        return "ignored: a post by someone else"
    as_chat = await messages.as_message_update(inbound, document)
    if as_chat is not None:
        return as_chat
    note = await read_note(
        inbound.db, inbound.settings, document, inbound.actor, budget=inbound.budget
    )
    status = await update_remote_status(inbound.db, note)
    return f"updated post {status.id}" if status else "ignored: an unknown post"


async def _update_actor(inbound: Inbound, document: dict[str, Any]) -> str:
    if document.get("id") != inbound.actor.uri:
        return "ignored: an update of another actor"
    profile = parse_actor(document)
    if profile.public_key_pem is None:  # the key lives elsewhere: read it all again
        await fetch_account(
            inbound.db, inbound.settings, profile.uri, refresh=True, budget=inbound.budget
        )
    else:
        await store_actor(inbound.db, profile)
    return "profile updated"


async def on_delete(inbound: Inbound) -> str:
    uri = inbound.object_id
    if uri is None:
        return "ignored: nothing to delete"
    if uri == inbound.actor.uri:
        return await actors.remove_actor(inbound)
    as_chat = await messages.as_message_delete(inbound, uri)
    if as_chat is not None:
        return as_chat
    if await delete_remote_status(inbound.db, inbound.actor.id, uri):
        return "deleted post"
    return "ignored: an unknown post"


async def on_like(inbound: Inbound) -> str:
    status = await inbound.status_by_uri(inbound.object_id)
    if status is None:
        return "ignored: a like of a post we do not have"
    await interactions.favourite(inbound.db, inbound.actor.id, status.id, uri=inbound.id)
    return f"liked post {status.id}"


# What a group (a Lemmy community, say) relays by announcing the activity
# itself rather than the post: of these, only a ``Create`` brings a post.
RELAYED_ACTIVITIES = frozenset(
    {"Create", "Update", "Delete", "Like", "Dislike", "Undo", "Announce", "Flag", "Block"}
)


async def on_announce(inbound: Inbound) -> str:
    uri = inbound.object_id
    embedded = inbound.embedded
    if embedded is not None and jsonld.types(embedded) & RELAYED_ACTIVITIES:
        # Lemmy's ``Announce`` of a ``Create``: the group reposts the created
        # post. The embedded copy is signed by the group, not the post's
        # author, so the post itself is fetched from its own server by id.
        if "Create" not in jsonld.types(embedded):
            return f"ignored: a relayed {', '.join(sorted(jsonld.types(embedded)))}"
        uri = jsonld.first_id(embedded.get("object"))
    if uri is None:
        return "ignored: nothing announced"
    status = await fetch_status(inbound.db, inbound.settings, uri, budget=inbound.budget)
    visibility = _repost_visibility(inbound.activity)
    repost = await interactions.reblog(
        inbound.db, inbound.actor.id, status.id, visibility, uri=inbound.id
    )
    return f"reposted as {repost}"


def _repost_visibility(activity: dict[str, Any]) -> str:
    if any(jsonld.is_public(a) for a in jsonld.ids(activity.get("to"))):
        return "public"
    if any(jsonld.is_public(a) for a in jsonld.ids(activity.get("cc"))):
        return "unlisted"
    return "private"
