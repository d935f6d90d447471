"""Reading posts: one post, a batch, a thread around a post, its versions.

Every read asks ``can_view``: a post the viewer may not see is "not found".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.errors import NotFound
from weft.models import MediaAttachment, Poll, Status, StatusEdit
from weft.policies.statuses import can_view, in_conversation, is_muted_for
from weft.queries.relations import access_for

MAX_ANCESTORS = 40
MAX_DESCENDANTS = 4000
# Deep enough for any real thread; bounds the recursion if remote data ever loops.
MAX_DEPTH = 1000


@dataclass(frozen=True)
class Context:
    ancestors: list[Status]  # the root first
    descendants: list[Status]  # depth-first, each reply under its parent, oldest first


async def visible_status(session: AsyncSession, viewer_id: int | None, status_id: int) -> Status:
    """The post, or 404 if it does not exist or the viewer may not see it."""
    status = await session.get(Status, status_id)
    if status is None:
        raise NotFound()
    access = (await access_for(session, viewer_id, [status]))[status.id]
    if not can_view(access):
        raise NotFound()
    return status


async def visible_statuses(
    session: AsyncSession, viewer_id: int | None, status_ids: Iterable[int]
) -> list[Status]:
    """Those of ``status_ids`` the viewer may see, in the order asked, once each."""
    ids = list(dict.fromkeys(status_ids))
    if not ids:
        return []
    found = {s.id: s for s in await session.scalars(select(Status).where(Status.id.in_(ids)))}
    access = await access_for(session, viewer_id, found.values())
    return [found[i] for i in ids if i in found and can_view(access[i])]


async def context(session: AsyncSession, viewer_id: int | None, status: Status) -> Context:
    """The thread around ``status`` as the viewer may see it.

    Two recursive queries (up the ``in_reply_to_id`` chain, and down it) and
    one for the relations, whatever the thread's size. A reply the viewer may
    not see (or whose author they mute) is left out with everything under it:
    showing replies to a post one cannot see would show half a conversation.
    """
    ancestors = await _ancestors(session, status)
    descendants = await _descendants(session, status.id)
    access = await access_for(session, viewer_id, [*ancestors, *descendants])

    def shown(s: Status) -> bool:
        return in_conversation(access[s.id]) and not is_muted_for(access[s.id])

    children: dict[int, list[Status]] = defaultdict(list)
    for reply in sorted(descendants, key=lambda s: s.id):
        assert reply.in_reply_to_id is not None
        children[reply.in_reply_to_id].append(reply)
    ordered: list[Status] = []
    stack = list(reversed(children[status.id]))
    while stack:
        reply = stack.pop()
        if not shown(reply):
            continue
        ordered.append(reply)
        stack.extend(reversed(children[reply.id]))
    return Context([s for s in ancestors if can_view(access[s.id])], ordered)


async def _ancestors(session: AsyncSession, status: Status) -> list[Status]:
    if status.in_reply_to_id is None:
        return []
    up = (
        select(Status.id, Status.in_reply_to_id, literal_column("1").label("depth"))
        .where(Status.id == status.in_reply_to_id)
        .cte("ancestors", recursive=True)
    )
    up = up.union_all(
        select(Status.id, Status.in_reply_to_id, up.c.depth + 1)
        .join(up, Status.id == up.c.in_reply_to_id)
        .where(up.c.depth < MAX_ANCESTORS)
    )
    rows = await session.execute(
        select(Status, up.c.depth).join(up, Status.id == up.c.id).order_by(up.c.depth.desc())
    )
    return [row[0] for row in rows]


async def _descendants(session: AsyncSession, status_id: int) -> list[Status]:
    ids = _descendant_ids(status_id).scalar_subquery()
    return list(await session.scalars(select(Status).where(Status.id.in_(ids))))


async def descendant_ids(session: AsyncSession, status_id: int) -> list[int]:
    """The ids of every reply under ``status_id``, however deep (up to the bounds)."""
    return list(await session.scalars(_descendant_ids(status_id)))


def _descendant_ids(status_id: int) -> Select[tuple[int]]:
    down = (
        select(Status.id, literal_column("1").label("depth"))
        .where(Status.in_reply_to_id == status_id)
        .cte("descendants", recursive=True)
    )
    down = down.union_all(
        select(Status.id, down.c.depth + 1)
        .join(down, Status.in_reply_to_id == down.c.id)
        .where(down.c.depth < MAX_DEPTH)
    )
    # The LIMIT stops the recursion early on both databases (they produce rows lazily).
    return select(down.c.id).limit(MAX_DESCENDANTS)


async def history(session: AsyncSession, viewer_id: int | None, status_id: int) -> list[StatusEdit]:
    """The post's versions, oldest first; a never-edited post has one, itself."""
    status = await visible_status(session, viewer_id, status_id)
    versions = list(
        await session.scalars(
            select(StatusEdit)
            .where(StatusEdit.status_id == status.id)
            .order_by(StatusEdit.created_at, StatusEdit.id)
        )
    )
    return versions or [await version_of(session, status, status.created_at)]


async def version_of(session: AsyncSession, status: Status, at: datetime) -> StatusEdit:
    """The post as it reads now, with its attachments, as a version made ``at``."""
    attachments = await session.execute(
        select(MediaAttachment.id, MediaAttachment.description)
        .where(MediaAttachment.status_id == status.id)
        .order_by(MediaAttachment.position)
    )
    poll = await session.scalar(select(Poll).where(Poll.status_id == status.id))
    return StatusEdit(
        status_id=status.id,
        account_id=status.account_id,
        text=status.text,
        content=status.content,
        spoiler_text=status.spoiler_text,
        sensitive=status.sensitive,
        media=[{"id": id_, "description": description} for id_, description in attachments],
        # Mastodon's StatusEdit shows the poll's options as they were (no tallies).
        poll={"options": list(poll.options), "multiple": poll.multiple} if poll else None,
        created_at=at,
    )


async def version_media(
    session: AsyncSession, versions: Iterable[StatusEdit]
) -> dict[int, MediaAttachment]:
    """The attachments the versions name, by id (those an edit dropped included)."""
    ids = {item["id"] for version in versions for item in version.media or ()}
    if not ids:
        return {}
    rows = await session.scalars(select(MediaAttachment).where(MediaAttachment.id.in_(ids)))
    return {row.id: row for row in rows}
