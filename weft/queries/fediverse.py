"""The Fediverse feed: posts of the remote accounts a person follows, newest first.

A Weft addition (``GET /api/weft/v1/timelines/fediverse``): the home timeline
mixes everyone one follows; this one shows only what arrived from other
servers, read straight from ``statuses`` (an index range per author), so it
needs no fan-out. Reposts are included, as on the home timeline; every post
still passes the viewer's policies, and servers suspended by a domain block
are left out.
"""

from __future__ import annotations

from sqlalchemy import select

from weft.db.database import Database
from weft.db.paging import Page, apply, newest_first
from weft.models import Account, Follow, Status
from weft.queries.timelines import StatusPage, visible_page, without_blocked_servers


async def fediverse_timeline(db: Database, viewer_id: int, page: Page) -> StatusPage:
    followed_remote = (
        select(Follow.target_account_id)
        .join(Account, Account.id == Follow.target_account_id)
        .where(Follow.account_id == viewer_id, Account.domain.is_not(None))
    )
    query = without_blocked_servers(
        select(Status.id).where(Status.account_id.in_(followed_remote)), viewer_id
    )
    async with db.read() as session:
        ids = newest_first(list(await session.scalars(apply(query, Status.id, page))), page)
        return await visible_page(session, viewer_id, ids, hide_muted=True)
