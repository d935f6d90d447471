"""Reads around likes, reposts and saves: who liked or reposted a post, and
one's own liked and saved posts (paginated by the like's or save's id, as
Mastodon does: the order is when one liked, not when the post was made)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.paging import Page, apply
from weft.errors import NotFound
from weft.models import Account, Block, Bookmark, Favourite, Status
from weft.policies.statuses import can_view
from weft.queries.relations import access_for
from weft.queries.status_bundle import load_bundle
from weft.queries.timelines import StatusPage, visible_page


async def one_status(db: Database, viewer_id: int, status_id: int) -> StatusPage:
    """A post an action just acted on, rendered for the actor (already authorized)."""
    async with db.read() as session:
        status = await session.get(Status, status_id)
        if status is None:
            raise NotFound()
        return StatusPage([status], await load_bundle(session, viewer_id, [status]))


async def favourited_by(
    db: Database, viewer_id: int | None, status_id: int, page: Page
) -> tuple[list[Account], list[int]]:
    """Accounts that liked a post the viewer can see, newest like first, and
    the likes' ids (the cursors)."""
    async with db.read() as session:
        await _seen(session, viewer_id, status_id)
        query = select(Favourite.id, Favourite.account_id).where(Favourite.status_id == status_id)
        rows = await _pairs(session, query, Favourite.id, page)
        return await _accounts(session, viewer_id, rows), [r[0] for r in rows]


async def reblogged_by(
    db: Database, viewer_id: int | None, status_id: int, page: Page
) -> tuple[list[Account], list[int]]:
    """Accounts that reposted a post publicly (public or unlisted reposts)."""
    async with db.read() as session:
        await _seen(session, viewer_id, status_id)
        query = select(Status.id, Status.account_id).where(
            Status.reblog_of_id == status_id, Status.visibility.in_(("public", "unlisted"))
        )
        rows = await _pairs(session, query, Status.id, page)
        return await _accounts(session, viewer_id, rows), [r[0] for r in rows]


async def favourites(db: Database, viewer_id: int, page: Page) -> StatusPage:
    return await _marked(db, Favourite, viewer_id, page)


async def bookmarks(db: Database, viewer_id: int, page: Page) -> StatusPage:
    return await _marked(db, Bookmark, viewer_id, page)


async def _marked(
    db: Database, model: type[Favourite] | type[Bookmark], viewer_id: int, page: Page
) -> StatusPage:
    async with db.read() as session:
        query = select(model.id, model.status_id).where(model.account_id == viewer_id)
        rows = await _pairs(session, query, model.id, page)
        return await visible_page(
            session,
            viewer_id,
            [r[1] for r in rows],
            hide_muted=False,
            cursors=[r[0] for r in rows],
        )


async def _seen(session: AsyncSession, viewer_id: int | None, status_id: int) -> Status:
    status = await session.get(Status, status_id)
    if status is None:
        raise NotFound()
    if not can_view((await access_for(session, viewer_id, [status]))[status.id]):
        raise NotFound()
    return status


async def _accounts(
    session: AsyncSession, viewer_id: int | None, rows: Sequence[tuple[int, int]]
) -> list[Account]:
    """The accounts of ``rows`` in order, without those the viewer blocks or is blocked by."""
    ids = [account_id for _, account_id in rows]
    loaded = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))}
    hidden: set[int] = set()
    if viewer_id is not None and ids:
        blocks = await session.execute(
            select(Block.account_id, Block.target_account_id).where(
                or_(
                    (Block.account_id == viewer_id) & Block.target_account_id.in_(ids),
                    (Block.target_account_id == viewer_id) & Block.account_id.in_(ids),
                )
            )
        )
        hidden = {b if a == viewer_id else a for a, b in blocks}
    return [
        loaded[i] for i in ids if i in loaded and i not in hidden and not loaded[i].suspended_at
    ]


async def _pairs(
    session: AsyncSession, query: Any, column: Any, page: Page
) -> list[tuple[int, int]]:
    """``(cursor, id)`` rows of a two-column query for ``page``, newest first."""
    result = await session.execute(apply(query, column, page))
    rows = [(int(a), int(b)) for a, b in result]
    return rows[::-1] if page.ascending else rows
