"""What the timeline jobs do: fan out a new post, merge or unmerge a followed
account, take a deleted post out. Each loads its rows again, treats a missing
row as done, and may run twice (the store's writes are idempotent).

Payloads: ``timelines.fan_out`` and ``timelines.remove`` carry ``status_id``
(``remove`` may add the author's ``account_id``, for stores that cannot find
a deleted post's readers themselves); ``timelines.merge`` and
``timelines.unmerge`` carry ``account_id`` (the follower) and
``target_account_id``, or ``tag_id`` for a followed (unfollowed) hashtag or topic.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.config import Settings
from weft.db.database import Database
from weft.events import UPDATE, Event, keys, publish
from weft.models import Account, Follow, FollowedTag, Status
from weft.timelines import HomeFeed, home_feed, in_database
from weft.timelines.home import BATCH, FeedEntry
from weft.timelines.sources import merge_entries, recipients, tag_merge_entries, tag_only_ids
from weft.timelines.streams import post_keys


@asynccontextmanager
async def _session(db: Database, feed: HomeFeed) -> AsyncIterator[AsyncSession]:
    """A write transaction for the table store; a read session is enough for Redis."""
    opener = db.write() if in_database(feed) else db.read()
    async with opener as session:
        yield session


# Readers per step of a fan-out: a small first step, so the first streams
# hear of the post at once, then the rest in the store's batches. More,
# growing steps (50, 100, 200, ...) brought the first stream sooner still but
# made the last one later under load: each step is one more shared read and
# round of sends (benchmark d, docs/performance.md).
FIRST_STEP = 100


def steps(readers: list[int], first: int = FIRST_STEP, most: int = BATCH) -> list[list[int]]:
    """``readers`` in the steps a fan-out writes and tells them in.

    >>> [len(s) for s in steps(list(range(1001)))]
    [100, 901]
    """
    found, start, size = [], 0, first
    while start < len(readers):
        found.append(readers[start : start + size])
        start += size
        size = most
    return found


async def fan_out(db: Database, settings: Settings, payload: dict[str, Any]) -> int:
    """Put a new post (or repost) into its author's and followers' feeds, and
    tell their ``user`` streams (and the public and hashtag streams) of it.

    In steps (:func:`steps`): each step's feeds are written (the table
    store's in a transaction of their own) before that step's streams are
    told, so a stream and the home timeline agree, and the first readers
    need not wait for the thousandth feed. A run again after a failure
    writes nothing twice, but may tell the streams of its finished steps
    again (a client keys posts by id)."""
    feed = home_feed(settings)
    async with db.read() as session:
        status = await session.get(Status, int(payload["status_id"]))
        if status is None:
            return 0  # deleted before it was fanned out
        readers = await recipients(session, status)
        others = await post_keys(session, status, [])  # public, hashtags, thread
        status_id, author_id, reblog_of_id = status.id, status.account_id, status.reblog_of_id
    added = 0
    for number, step in enumerate(steps(readers, FIRST_STEP)):
        entries = [FeedEntry(a, status_id, reblog_of_id) for a in step]
        async with _session(db, feed) as session:
            added += await feed.add(session, entries)
        # After the table store's commit (or the Redis writes). Every reader's
        # stream, even one whose feed the store keeps no longer (Redis drops
        # the feeds of people away, and rebuilds them with this post).
        streams = [keys.user(a) for a in step] + (others if number == 0 else [])
        await publish(Event(UPDATE, tuple(streams), status_id=status_id, account_id=author_id))
    if not readers and others:
        await publish(Event(UPDATE, tuple(others), status_id=status_id, account_id=author_id))
    return added


async def merge(db: Database, settings: Settings, payload: dict[str, Any]) -> int:
    """Bring a newly followed account's recent posts into the follower's feed."""
    feed = home_feed(settings)
    async with _session(db, feed) as session:
        if "tag_id" in payload:  # a followed hashtag or topic
            entries = await tag_merge_entries(
                session, int(payload["account_id"]), int(payload["tag_id"])
            )
        else:
            entries = await merge_entries(
                session, int(payload["account_id"]), int(payload["target_account_id"])
            )
        return await feed.add(session, entries)


async def unmerge(db: Database, settings: Settings, payload: dict[str, Any]) -> None:
    """Take an unfollowed (or blocked) account's posts out of the follower's feed."""
    feed = home_feed(settings)
    if "tag_id" in payload:
        await _unmerge_tag(db, feed, int(payload["account_id"]), int(payload["tag_id"]))
        return
    follower, target = int(payload["account_id"]), int(payload["target_account_id"])
    async with _session(db, feed) as session:
        follows_again = await session.scalar(
            select(Follow.id).where(
                Follow.account_id == follower, Follow.target_account_id == target
            )
        )
        if follows_again is None:  # a follow after the unfollow: keep the merge
            await feed.remove_author(session, follower, target)


async def _unmerge_tag(db: Database, feed: HomeFeed, account_id: int, tag_id: int) -> None:
    """Take out the posts an unfollowed tag alone brought into the feed."""
    async with _session(db, feed) as session:
        follows_again = await session.scalar(
            select(FollowedTag.id).where(
                FollowedTag.account_id == account_id, FollowedTag.tag_id == tag_id
            )
        )
        if follows_again is None:
            await feed.remove(session, account_id, await tag_only_ids(session, account_id, tag_id))


async def remove(db: Database, settings: Settings, payload: dict[str, Any]) -> None:
    """Take a deleted post (or an undone repost) out of every feed it reached."""
    feed = home_feed(settings)
    status_id = int(payload["status_id"])
    async with _session(db, feed) as session:
        status = await session.get(Status, status_id)
        readers: list[int] = []
        if status is not None:
            readers = await recipients(session, status)
        elif payload.get("account_id") is not None:
            readers = await _author_and_followers(session, int(payload["account_id"]))
        await feed.remove_everywhere(session, status_id, readers)


async def _author_and_followers(session: AsyncSession, author_id: int) -> list[int]:
    followers = await session.scalars(
        select(Follow.account_id)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == author_id, Account.domain.is_(None))
    )
    return [author_id, *followers]
