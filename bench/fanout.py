"""Scenario c: from a post by an account with 1,000 followers until the post
is in every follower's home timeline, read from the feed store itself."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx
from sqlalchemy import func, select

from weft.db.database import Database
from weft.db.paging import Page
from weft.models import Follow, HomeFeedEntry
from weft.timelines.redis import RedisHomeFeed, member

RUNS = 3
TIMEOUT_SECONDS = 60


async def _followers(db: Database, account_id: int) -> list[int]:
    async with db.read() as session:
        rows = await session.scalars(
            select(Follow.account_id).where(Follow.target_account_id == account_id)
        )
        return list(rows)


async def _arrived_table(db: Database, status_id: int, followers: list[int]) -> int:
    async with db.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(HomeFeedEntry)
            .where(HomeFeedEntry.status_id == status_id, HomeFeedEntry.account_id.in_(followers))
        )
    return int(count or 0)


async def _arrived_redis(feed: RedisHomeFeed, status_id: int, followers: list[int]) -> int:
    pipe = feed.redis.pipeline(transaction=False)
    for follower in followers:
        pipe.zscore(feed.keys(follower)[0], member(status_id))
    return sum(score is not None for score in await pipe.execute())


async def fan_out_seconds(
    url: str, token: str, author_id: int, database_url: str, redis_url: str | None
) -> dict[str, Any]:
    db = Database(database_url)
    feed = None
    try:
        followers = await _followers(db, author_id)
        if redis_url:
            from redis.asyncio import Redis

            feed = RedisHomeFeed(Redis.from_url(redis_url))
            # Followers who read recently: the Redis store fans out to active people.
            for follower in followers:
                async with db.read() as session:
                    await feed.page(session, follower, Page(limit=1))
        runs = [await _one_post(url, token, n, db, feed, followers) for n in range(RUNS)]
    finally:
        if feed is not None:
            await feed.redis.aclose()
        await db.dispose()
    return {
        "followers": len(followers),
        "runs_seconds": runs,
        "median_seconds": round(statistics.median(runs), 3),
    }


async def _one_post(
    url: str, token: str, n: int, db: Database, feed: RedisHomeFeed | None, followers: list[int]
) -> float:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        started = time.perf_counter()
        response = await http.post(
            "/api/v1/statuses",
            headers={"Authorization": f"Bearer {token}"},
            data={"status": f"To all my followers, number {n}"},
        )
        response.raise_for_status()
        status_id = int(response.json()["id"])
    while time.perf_counter() - started < TIMEOUT_SECONDS:
        if feed is not None:
            arrived = await _arrived_redis(feed, status_id, followers)
        else:
            arrived = await _arrived_table(db, status_id, followers)
        if arrived == len(followers):
            return round(time.perf_counter() - started, 3)
        await asyncio.sleep(0.005)
    raise TimeoutError(f"the post reached only {arrived} of {len(followers)} followers")
