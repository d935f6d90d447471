"""Ghost posts: text-only posts that disappear 24 hours after they were posted.

A ghost post is a post with ``ghost_expires_at`` set (``post.py`` sets it
when the author asks, with ``is_ghost_post``). When that time comes, the
``statuses.ghost_expired`` job (queued with the post, due at its end, so it
survives a restart) deletes it as its author would: other servers get a
``Delete``. Until the job has run, the policies already treat an ended ghost
post as gone (``weft.policies.statuses.can_view``), so no endpoint shows it
a moment past its end. Another Weft server's ghost posts are stored with
their end too, and deleted here when it comes (their ``Delete`` may also
arrive first).

Nobody reposts or quotes a ghost post, its author included: the policies
deny it (``can_reblog``, ``quote_approval``), the API answers 422, and
another server's ``Announce`` or quote of one is refused by the same rules.

Replies: Threads sends a reply to a ghost post to its author as a message.
``create_post`` asks ``ghost_reply_recipient`` and makes a reply by anyone
else a direct post to the ghost post's author alone, not counted as a reply
(other people the reply names are not told, nor may see it), then calls
``message_ghost_author``: the reply becomes a message in the one-to-one chat
of the two (weft/actions/chats/; a request when the author doesn't follow
the replier), linked to that direct post by its ``status_id``, which is how
Mastodon apps see it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.chats.messages import message_ghost_author as _to_chat
from weft.actions.posts.delete import delete_status
from weft.db.database import Database
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import GHOST_EXPIRED
from weft.jobs.queue import enqueue
from weft.models import Account, Status

GHOST_LIFETIME = timedelta(hours=24)
FIELD = "is_ghost_post"


def check_ghost(*, has_media: bool, has_poll: bool, quotes: bool) -> None:
    """A ghost post is text only: no media, poll or quoted post."""
    if has_media:
        raise Invalid(FIELD, "a ghost post is text only: it cannot have media_ids")
    if has_poll:
        raise Invalid(FIELD, "a ghost post is text only: it cannot have a poll")
    if quotes:
        raise Invalid(FIELD, "a ghost post is text only: it cannot quote a post")


def ghost_end(posted_at: datetime) -> datetime:
    return posted_at + GHOST_LIFETIME


def schedule_expiry(session: AsyncSession, status: Status) -> None:
    """Queue the ghost post's deletion at its end (in the post's transaction)."""
    if status.ghost_expires_at is not None:
        enqueue(session, GHOST_EXPIRED, {"status_id": status.id}, run_at=status.ghost_expires_at)


async def expire_ghost(db: Database, status_id: int) -> None:
    """The ``statuses.ghost_expired`` job: delete the ghost post (ours with a
    federated ``Delete``). Gone already, or not a ghost post: nothing to do."""
    async with db.read() as session:
        status = await session.get(Status, status_id)
    if status is None or status.ghost_expires_at is None:
        return
    try:
        await delete_status(db, status.account_id, status.id)
    except NotFound:  # deleted meanwhile
        return


async def ghost_reply_recipient(
    session: AsyncSession, author: Account, parent: Status | None
) -> Account | None:
    """The ghost post's author, when a reply by ``author`` to ``parent`` must
    go to them alone (a direct post naming only them; see the module's
    docstring: the hook for chats); None for any other reply."""
    if parent is None or parent.ghost_expires_at is None or parent.account_id == author.id:
        return None
    return await session.get(Account, parent.account_id)


async def message_ghost_author(session: AsyncSession, reply: Status, author: Account) -> None:
    """The reply (already written as a direct post to ``author``) as a
    message in their one-to-one chat; nothing when they may not be messaged."""
    await _to_chat(session, reply, author)
