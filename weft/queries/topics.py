"""A topic's (or hashtag's) page: the tag, whether the viewer follows it, and
its posts, Recent (newest first) or Top (most liked, reposted and replied to);
and the tags someone follows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.paging import Page, apply, newest_first
from weft.errors import NotFound
from weft.models import FollowedTag, Status, Tag
from weft.queries.timelines import Scope, StatusPage, public_feed, public_posts, visible_page

ORDERS = ("recent", "top")
TOP_LIMIT = 40  # a page of Top at most
TOP_POOL = 1000  # Top ranks a topic's latest posts, not its whole history


@dataclass(frozen=True)
class TagView:
    tag: Tag
    following: bool
    posts_count: int


async def tag_view(db: Database, viewer_id: int | None, name: str) -> TagView:
    async with db.read() as session:
        tag = await _tag(session, name)
        following = viewer_id is not None and bool(
            await session.scalar(
                select(FollowedTag.id).where(
                    FollowedTag.account_id == viewer_id, FollowedTag.tag_id == tag.id
                )
            )
        )
        count = await session.scalar(
            select(func.count()).where(Status.topic_tag_id == tag.id, Status.visibility == "public")
        )
        return TagView(tag, following, int(count or 0))


async def _tag(session: AsyncSession, name: str) -> Tag:
    key = " ".join(name.split()).lstrip("#").lower()
    tag = await session.scalar(select(Tag).where(func.lower(Tag.name) == key))
    if tag is None:
        raise NotFound("Record not found")
    return tag


async def topic_statuses(
    db: Database, viewer_id: int | None, name: str, order: str, page: Page, offset: int = 0
) -> StatusPage:
    """The public posts whose topic is ``name``, as the viewer may see them."""
    async with db.read() as session:
        tag = await _tag(session, name)
        query = public_feed(public_posts(Scope()).where(Status.topic_tag_id == tag.id), viewer_id)
        if order == "top":
            pool = query.order_by(Status.id.desc()).limit(TOP_POOL).subquery()
            score = Status.favourites_count + Status.reblogs_count + Status.replies_count
            ranked = (
                select(Status.id)
                .where(Status.id.in_(select(pool.c.id)))
                .order_by(score.desc(), Status.id.desc())
                .limit(min(page.limit, TOP_LIMIT))
                .offset(offset)
            )
            ids = list(await session.scalars(ranked))
            return await visible_page(session, viewer_id, ids, hide_muted=True, cursors=[])
        ids = newest_first(list(await session.scalars(apply(query, Status.id, page))), page)
        return await visible_page(session, viewer_id, ids, hide_muted=True)


async def followed_tags(
    db: Database, account_id: int, page: Page | None = None
) -> list[tuple[int, Tag]]:
    """The tags ``account_id`` follows, each with its follow's id (the paging
    cursor, as Mastodon pages ``followed_tags``), most recently followed first."""
    async with db.read() as session:
        query = (
            select(FollowedTag.id, Tag)
            .join(FollowedTag, FollowedTag.tag_id == Tag.id)
            .where(FollowedTag.account_id == account_id)
        )
        if page is None:
            query = query.order_by(FollowedTag.id.desc())
        else:
            query = apply(query, FollowedTag.id, page)
        rows = [(cursor, tag) for cursor, tag in (await session.execute(query)).all()]
    if page is not None and page.ascending:
        rows.reverse()
    return rows
