"""Topics: one per post (Threads' ``topic_tag``), and following topics and hashtags.

A topic is a row of ``tags``, as a hashtag is: its name 1 to 50 characters,
without ``.`` or ``&`` (Threads' rule), spaces allowed. A post's topic is its
``topic_tag_id`` and is also linked as one of its tags, so hashtag timelines,
searches and followed tags find it as they find hashtags. Following a tag
(Mastodon's ``/api/v1/tags/:name/follow``) brings the public posts that carry
it, as a hashtag or as a topic, into the follower's home feed when they are
fanned out (``weft.timelines.sources``); following one brings its recent
public posts too, and unfollowing takes out those that came only through it
(the ``timelines.merge`` / ``unmerge`` jobs with a ``tag_id``).
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.posts.topic import clean_topic, topic_id
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import MERGE, UNMERGE
from weft.jobs.queue import enqueue
from weft.models import FollowedTag, Tag
from weft.models.base import utcnow


async def find_tag(session: AsyncSession, name: str) -> Tag:
    tag = await session.scalar(select(Tag).where(func.lower(Tag.name) == _key(name)))
    if tag is None:
        raise NotFound("Record not found")
    return tag


def _key(name: str) -> str:
    return " ".join(name.split()).lstrip("#").lower()


async def follow_tag(db: Database, account_id: int, name: str) -> Tag:
    """Follow a hashtag or topic (made if no post has used it yet); twice is once."""
    cleaned = clean_topic(name, "name")
    if cleaned is None:
        raise Invalid("name", "must have 1 to 50 characters")
    async with db.write() as session:
        tag = await session.get(Tag, await topic_id(session, cleaned))
        assert tag is not None
        if await insert_ignore(
            session,
            FollowedTag,
            {"id": new_id(), "account_id": account_id, "tag_id": tag.id, "created_at": utcnow()},
        ):
            enqueue(session, MERGE, {"account_id": account_id, "tag_id": tag.id})
        return tag


async def unfollow_tag(db: Database, account_id: int, name: str) -> Tag:
    async with db.write() as session:
        tag = await find_tag(session, name)
        result = await session.execute(
            delete(FollowedTag).where(
                FollowedTag.account_id == account_id, FollowedTag.tag_id == tag.id
            )
        )
        if result.rowcount:  # type: ignore[attr-defined]
            enqueue(session, UNMERGE, {"account_id": account_id, "tag_id": tag.id})
        return tag
