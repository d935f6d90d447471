"""Which live streams a post reaches (weft/events/keys.py): the home
timelines it is fanned out to, and, for a public post that is neither a
repost nor a reply to someone else, the public and hashtag streams (the
posts the public and tag timelines list)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.events import keys
from weft.models import Account, Status, StatusTag, Tag


async def post_keys(session: AsyncSession, status: Status, readers: Sequence[int]) -> list[str]:
    """The keys of the streams ``status`` reaches; ``readers`` are the people
    whose home feed it goes to (``weft.timelines.sources.recipients``)."""
    found = [keys.user(account_id) for account_id in readers]
    if status.in_reply_to_id is not None and status.conversation_id is not None:
        found.append(keys.thread(status.conversation_id))
    if status.visibility != "public" or status.reblog_of_id is not None:
        return found
    local = (
        await session.scalar(select(Account.domain).where(Account.id == status.account_id))
    ) is None
    tags = await session.scalars(
        select(Tag.name)
        .join(StatusTag, StatusTag.tag_id == Tag.id)
        .where(StatusTag.status_id == status.id)
    )
    for name in tags:
        found.append(keys.hashtag(name))
        if local:
            found.append(keys.hashtag(name, local=True))
    reply_to_other = (
        status.in_reply_to_id is not None and status.in_reply_to_account_id != status.account_id
    )
    if not reply_to_other:
        found += [keys.PUBLIC, keys.PUBLIC_LOCAL if local else keys.PUBLIC_REMOTE]
    return found
