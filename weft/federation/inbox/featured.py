"""Add and Remove: a remote account pins or unpins one of its posts.

Mastodon (and GoToSocial, Misskey) send ``Add`` / ``Remove`` whose ``target``
is the actor's ``featured`` collection when someone pins or unpins a post; the
post is then shown pinned on their profile here too (the API's
``pinned=true`` and the web profile). Any other target (featured hashtags, a
Lemmy moderators list) is ignored.
"""

from __future__ import annotations

from weft.actions.posts.remote import pin_remote_status, unpin_remote_status
from weft.federation import jsonld
from weft.federation.inbox.context import Inbound
from weft.federation.remote import RemoteError, Unreachable
from weft.federation.remote_notes import fetch_status


def _to_featured(inbound: Inbound) -> bool:
    target = jsonld.first_id(inbound.activity.get("target"))
    featured = inbound.actor.featured_url
    return target is not None and featured is not None and target == featured


async def on_add(inbound: Inbound) -> str:
    if not _to_featured(inbound):
        return "ignored: an Add to something other than the actor's featured posts"
    uri = inbound.object_id
    if uri is None or not inbound.same_origin(uri):
        return "ignored: only one's own posts can be featured"
    status = await inbound.status_by_uri(uri)
    if status is None:
        try:  # a post from before we knew them: fetch it, within the activity's budget
            status = await fetch_status(inbound.db, inbound.settings, uri, budget=inbound.budget)
        except Unreachable:
            raise
        except RemoteError as error:
            return f"ignored: the featured post cannot be had ({error.message})"
    if await pin_remote_status(inbound.db, inbound.actor.id, status.id):
        return f"pinned post {status.id}"
    return "ignored: not a post of theirs that can be pinned"


async def on_remove(inbound: Inbound) -> str:
    if not _to_featured(inbound):
        return "ignored: a Remove from something other than the actor's featured posts"
    status = await inbound.status_by_uri(inbound.object_id)
    if status is None or not await unpin_remote_status(inbound.db, inbound.actor.id, status.id):
        return "ignored: not a pinned post"
    return f"unpinned post {status.id}"
