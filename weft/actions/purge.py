"""Removing what other servers' accounts left here, a batch per transaction.

Two occasions, each a job that resumes where it stopped (the state is the rows
that remain, so a crash or a retry just carries on):

- **A remote actor was deleted** (its server sent ``Delete`` of the actor):
  :func:`remove_remote_account` suspends the account at once (it disappears
  from every list) and queues ``federation.purge_account``, which ends its
  follows and requests both ways, takes back its likes, deletes its posts and
  reposts (with our copies of their media) and its notifications, and drops
  its avatar and header (with our copies of them). The account row stays,
  suspended, so its id is never reused.
- **A domain is suspended** (``weft domain-block add --severity suspend`` or
  the admin API): ``federation.suspend_domain`` ends every follow and follow
  request between our people and that server's (or its subdomains')
  accounts, both ways, which also takes their posts out of our people's home
  feeds (``timelines.unmerge``), as Mastodon does when it suspends a domain.
  Their posts stay stored (lifting the block shows them again in threads);
  nothing is sent to the suspended server.

Each step removes at most ``batch`` rows in one transaction, with the same
consequences the one-by-one actions have (counters, notifications, media
files, timeline jobs), but without publishing: nothing is told to a server
whose actor is gone or which is suspended.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable

from sqlalchemy import ColumnElement, case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.posts.bookkeeping import forget_post
from weft.actions.profile_images import own_key
from weft.config import Settings
from weft.db.database import Database
from weft.jobs.kinds import DELETE_FILES, PURGE_ACCOUNT, UNMERGE
from weft.jobs.queue import enqueue
from weft.models import Account, DomainBlock, Favourite, Follow, FollowRequest, Notification, Status
from weft.models.base import utcnow

BATCH = 200

Step = Callable[[AsyncSession, int], Awaitable[int]]


# --- a deleted remote actor ---------------------------------------------------------


async def remove_remote_account(db: Database, account_id: int) -> None:
    """Its server deleted the actor: hide it now, purge what it left in a job."""
    async with db.write() as session:
        await session.execute(
            update(Account)
            .where(Account.id == account_id, Account.domain.is_not(None))
            .values(suspended_at=utcnow())
        )
        enqueue(session, PURGE_ACCOUNT, {"account_id": account_id})


async def purge_account_step(
    db: Database, settings: Settings, account_id: int, batch: int = BATCH
) -> int:
    """Remove one batch of what ``account_id`` (remote, suspended) left; how many
    rows went (0: nothing is left)."""
    steps: list[Step] = [
        lambda s, n: _end_follows(s, Follow.account_id == account_id, n),
        lambda s, n: _end_follows(s, Follow.target_account_id == account_id, n),
        lambda s, n: _end_requests(
            s,
            (FollowRequest.account_id == account_id)
            | (FollowRequest.target_account_id == account_id),
            n,
        ),
        lambda s, n: _take_back_likes(s, account_id, n),
        lambda s, n: _delete_posts(s, account_id, n),
        lambda s, n: _delete_notifications(s, account_id, n),
        lambda s, _: _drop_pictures(s, settings, account_id),
    ]
    async with db.read() as session:
        account = await session.get(Account, account_id)
    if account is None or account.is_local or account.suspended_at is None:
        return 0  # ours, or brought back meanwhile: nothing to purge
    return await _first_step_with_work(db, steps, batch)


# --- a suspended domain -------------------------------------------------------------


def _on_domain(domain: str) -> ColumnElement[bool]:
    return (Account.domain == domain) | Account.domain.endswith(f".{domain}", autoescape=True)


async def suspend_domain_step(db: Database, domain: str, batch: int = BATCH) -> int:
    """End one batch of follows and requests between our people and ``domain``'s
    accounts; how many went (0: none left, or the block is no longer a suspension)."""
    async with db.read() as session:
        severity = await session.scalar(
            select(DomainBlock.severity).where(DomainBlock.domain == domain)
        )
    if severity != "suspend":
        return 0
    theirs = select(Account.id).where(_on_domain(domain))
    steps: list[Step] = [
        lambda s, n: _end_follows(
            s, Follow.account_id.in_(theirs) | Follow.target_account_id.in_(theirs), n
        ),
        lambda s, n: _end_requests(
            s,
            FollowRequest.account_id.in_(theirs) | FollowRequest.target_account_id.in_(theirs),
            n,
        ),
    ]
    return await _first_step_with_work(db, steps, batch)


# --- the steps ----------------------------------------------------------------------


async def _first_step_with_work(db: Database, steps: list[Step], batch: int) -> int:
    for step in steps:
        async with db.write() as session:
            removed = await step(session, batch)
        if removed:
            return removed
    return 0


async def _end_follows(session: AsyncSession, where: ColumnElement[bool], batch: int) -> int:
    """End up to ``batch`` follows: counters, "follow" notifications, and each
    local follower's home feed loses the followed account's posts."""
    rows = (
        await session.execute(
            select(Follow.id, Follow.account_id, Follow.target_account_id)
            .where(where)
            .order_by(Follow.id)
            .limit(batch)
        )
    ).all()
    if not rows:
        return 0
    await session.execute(delete(Follow).where(Follow.id.in_([r[0] for r in rows])))
    await _lower(session, "following_count", Counter(r[1] for r in rows))
    await _lower(session, "followers_count", Counter(r[2] for r in rows))
    local = set(
        await session.scalars(
            select(Account.id).where(Account.id.in_({r[1] for r in rows}), Account.domain.is_(None))
        )
    )
    for _, follower, followee in rows:
        await _forget(session, followee, follower, "follow")
        if follower in local:
            enqueue(session, UNMERGE, {"account_id": follower, "target_account_id": followee})
    return len(rows)


async def _end_requests(session: AsyncSession, where: ColumnElement[bool], batch: int) -> int:
    rows = (
        await session.execute(
            select(FollowRequest.id, FollowRequest.account_id, FollowRequest.target_account_id)
            .where(where)
            .order_by(FollowRequest.id)
            .limit(batch)
        )
    ).all()
    if not rows:
        return 0
    await session.execute(delete(FollowRequest).where(FollowRequest.id.in_([r[0] for r in rows])))
    for _, requester, target in rows:
        await _forget(session, target, requester, "follow_request")
    return len(rows)


async def _take_back_likes(session: AsyncSession, account_id: int, batch: int) -> int:
    rows = (
        await session.execute(
            select(Favourite.id, Favourite.status_id)
            .where(Favourite.account_id == account_id)
            .order_by(Favourite.id)
            .limit(batch)
        )
    ).all()
    if not rows:
        return 0
    await session.execute(delete(Favourite).where(Favourite.id.in_([r[0] for r in rows])))
    for status_id, count in Counter(r[1] for r in rows).items():
        column = Status.favourites_count
        await session.execute(
            update(Status)
            .where(Status.id == status_id)
            .values(favourites_count=case((column > count, column - count), else_=0))
            .execution_options(synchronize_session=False)
        )
    return len(rows)


async def _delete_posts(session: AsyncSession, account_id: int, batch: int) -> int:
    """Delete up to ``batch`` posts as ``delete_status`` does (counters, media,
    ``timelines.remove``); reposts first, so none is taken by a cascade unseen."""
    statuses = list(
        await session.scalars(
            select(Status)
            .where(Status.account_id == account_id)
            .order_by(Status.reblog_of_id.is_(None), Status.id)
            .limit(batch)
        )
    )
    if not statuses:
        return 0
    for status in statuses:
        await forget_post(session, status)
    await session.execute(delete(Status).where(Status.id.in_([s.id for s in statuses])))
    return len(statuses)


async def _delete_notifications(session: AsyncSession, account_id: int, batch: int) -> int:
    ids = list(
        await session.scalars(
            select(Notification.id).where(Notification.from_account_id == account_id).limit(batch)
        )
    )
    if ids:
        await session.execute(delete(Notification).where(Notification.id.in_(ids)))
    return len(ids)


async def _drop_pictures(session: AsyncSession, settings: Settings, account_id: int) -> int:
    """Forget the account's avatar and header; our copies of them are deleted by
    ``media.delete_files``. Only keys under the account's own ``accounts/<id>/``:
    a remote actor may have named any URL of ours (someone else's avatar) as its
    picture. 1 if there was anything to drop, else 0."""
    account = await session.get(Account, account_id)
    if account is None:
        return 0
    served = (account.avatar_url, account.header_url)
    if not any((*served, account.avatar_remote_url, account.header_remote_url)):
        return 0
    own = (own_key(settings, url) for url in served)
    keys = [key for key in own if key and key.startswith(f"accounts/{account_id}/")]
    account.avatar_url = account.header_url = None
    account.avatar_remote_url = account.header_remote_url = None
    if keys:
        enqueue(session, DELETE_FILES, {"keys": keys})
    return 1


async def _lower(session: AsyncSession, column_name: str, counts: Counter[int]) -> None:
    column = getattr(Account, column_name)
    for account_id, count in counts.items():
        await session.execute(
            update(Account)
            .where(Account.id == account_id)
            .values({column_name: case((column > count, column - count), else_=0)})
            .execution_options(synchronize_session=False)
        )


async def _forget(session: AsyncSession, recipient: int, sender: int, kind: str) -> None:
    await session.execute(
        delete(Notification).where(
            Notification.account_id == recipient,
            Notification.from_account_id == sender,
            Notification.type == kind,
            Notification.status_id.is_(None),
        )
    )
