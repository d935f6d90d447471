"""Home feeds as Redis sorted sets (the scaled backend).

One set per person, ``weft:home:{id}``. Members are zero-padded status ids
with score 0, read in lexicographic order (``ZRANGE ... BYLEX``): a score is a
double and holds only 53 bits, so 64-bit ids as scores would round and make
``max_id`` bounds inexact, while padded ids sort exactly. A sentinel member
(all zeros) keeps even an empty feed's set in existence, so "missing" always
means "must be rebuilt".

Each set is capped at ``cap`` entries. ``weft:home:{id}:active`` lives for
``ACTIVE_SECONDS`` after the person last read their feed; fan-out skips people
without it (nobody is reading), and their feed is rebuilt from the database
when they come back. ``weft:home:{id}:reblogs`` maps originals to the repost
that brought them in, so one post is shown once however often it is reposted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from redis.exceptions import NoScriptError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.coalesce import PerOwner
from weft.db.by_id import RowsById
from weft.db.paging import Page
from weft.models import Status
from weft.timelines.home import BATCH, FeedEntry, FeedRows
from weft.timelines.sources import rebuild_entries

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from weft.db.database import Database

CAP = 800
ACTIVE_SECONDS = 14 * 24 * 3600
WIDTH = 20  # digits of the largest 64-bit id
SENTINEL = "0" * WIDTH

# KEYS: feed, reblogs, active. ARGV: member, original member or "", cap, repost id.
_ADD = """
if redis.call('EXISTS', KEYS[3]) == 0 or redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if ARGV[2] ~= '' then
  if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
  if redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[2]) == 0 then return 0 end
end
local added = redis.call('ZADD', KEYS[1], 0, ARGV[1])
local cap = tonumber(ARGV[3])
local size = redis.call('ZCARD', KEYS[1]) - 1
if size > cap then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 1, size - cap)
  local oldest = redis.call('ZRANGE', KEYS[1], 1, 1)[1]
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. tonumber(oldest))
end
return added
"""

# KEYS: feed, reblogs, active. ARGV: seconds active, seconds kept, start, stop,
# limit, "desc" or "asc". Nil when the feed must be rebuilt first.
_PAGE = """
local exists = redis.call('EXISTS', KEYS[1])
local was_active = redis.call('SET', KEYS[3], 1, 'EX', ARGV[1], 'GET')
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
if exists == 0 or not was_active then
  return false
end
if ARGV[6] == 'desc' then
  return redis.call('ZRANGE', KEYS[1], ARGV[3], ARGV[4], 'BYLEX', 'REV', 'LIMIT', 0, ARGV[5])
end
return redis.call('ZRANGE', KEYS[1], ARGV[3], ARGV[4], 'BYLEX', 'LIMIT', 0, ARGV[5])
"""


# Page reads asked for in one turn of the event loop, per Redis client
# (``RedisHomeFeed._read_page``).
_page_reads: PerOwner[Redis, tuple[tuple[str, str, str], list[Any]], Any] = PerOwner()


def member(status_id: int) -> str:
    return str(status_id).zfill(WIDTH)


class RedisHomeFeed:
    def __init__(self, redis: Redis, *, cap: int = CAP, prefix: str = "weft:home") -> None:
        self.redis = redis
        self.cap = cap
        self.prefix = prefix
        self._add = redis.register_script(_ADD)
        self._page = redis.register_script(_PAGE)
        # Shared by every feed on this client (a feed is made per request).
        self._reads = _page_reads(redis)

    def keys(self, account_id: int) -> tuple[str, str, str]:
        base = f"{self.prefix}:{account_id}"
        return base, f"{base}:reblogs", f"{base}:active"

    async def add(self, session: AsyncSession, entries: Sequence[FeedEntry]) -> int:
        added = 0
        for start in range(0, len(entries), BATCH):
            pipe = self.redis.pipeline(transaction=False)
            for e in entries[start : start + BATCH]:
                original = member(e.reblog_of_id) if e.reblog_of_id else ""
                args: list[str | int] = [member(e.status_id), original, self.cap, e.status_id]
                await self._add(keys=self.keys(e.account_id), args=args, client=pipe)
            added += sum(int(r) for r in await pipe.execute())
        return added

    async def remove(
        self, session: AsyncSession, account_id: int, status_ids: Sequence[int]
    ) -> None:
        if not status_ids:
            return
        feed, reblogs, _ = self.keys(account_id)
        originals = await session.scalars(
            select(Status.reblog_of_id).where(
                Status.id.in_(status_ids), Status.reblog_of_id.is_not(None)
            )
        )
        pipe = self.redis.pipeline(transaction=False)
        pipe.zrem(feed, *[member(i) for i in status_ids])
        gone = [member(i) for i in originals if i is not None]
        if gone:
            pipe.zrem(reblogs, *gone)
        await pipe.execute()

    async def remove_everywhere(
        self, session: AsyncSession, status_id: int, account_ids: Sequence[int]
    ) -> None:
        for start in range(0, len(account_ids), BATCH):
            pipe = self.redis.pipeline(transaction=False)
            for account_id in account_ids[start : start + BATCH]:
                pipe.zrem(self.keys(account_id)[0], member(status_id))
            await pipe.execute()

    async def remove_author(self, session: AsyncSession, account_id: int, author_id: int) -> None:
        members = await self.redis.zrange(self.keys(account_id)[0], 1, -1)
        ids = _ids(members)
        if ids:
            authored = await session.scalars(
                select(Status.id).where(Status.id.in_(ids), Status.account_id == author_id)
            )
            await self.remove(session, account_id, list(authored))

    async def page(self, session: AsyncSession, account_id: int, page: Page) -> list[int]:
        ids = await self.ready_page(account_id, page)
        if ids is None:
            await self.rebuild(session, account_id)
            ids = await self.ready_page(account_id, page)
        return ids or []

    async def page_rows(
        self, db: Database, account_id: int, page: Page, posts: RowsById
    ) -> FeedRows:
        # The ids from Redis, then their rows by id: two round trips, each
        # shared with the other requests of the same loop turn.
        ids = await self.ready_page(account_id, page)
        if ids is None:
            async with db.read() as session:
                await self.rebuild(session, account_id)
            ids = await self.ready_page(account_id, page) or []
        by_id = {row[0]: row for row in await db.rows_by_id(posts, account_id, ids)}
        return FeedRows([by_id[i] for i in ids if i in by_id], ids)

    async def ready_page(self, account_id: int, page: Page) -> list[int] | None:
        """The page's ids, or None when the feed must first be rebuilt (it is
        missing, or its owner was away). Marks the owner active. One script,
        one round trip."""
        upper = f"({member(page.max_id)}" if page.max_id is not None else "+"
        floor = max(page.since_id or 0, page.min_id or 0)
        lower = f"({member(floor)}"  # also leaves out the sentinel
        start, stop = (lower, upper) if page.ascending else (upper, lower)
        found = await self._read_page(
            self.keys(account_id),
            [
                ACTIVE_SECONDS,
                ACTIVE_SECONDS + 24 * 3600,
                start,
                stop,
                page.limit,
                "asc" if page.ascending else "desc",
            ],
        )
        if found is None:
            return None
        ids = _ids(found)
        return ids[::-1] if page.ascending else ids

    async def _read_page(self, keys: tuple[str, str, str], args: list[Any]) -> Any:
        """The page script's answer. Reads asked for while the loop is busy
        with other requests go to Redis together, as one pipeline: one write
        and one reply for all of them instead of a round trip each (under
        load, Redis cost a tenth of the home timeline's CPU)."""
        return await self._reads.ask((keys, args), self._read_pages)

    async def _read_pages(self, asked: list[tuple[tuple[str, str, str], list[Any]]]) -> list[Any]:
        if len(asked) == 1:
            keys, args = asked[0]
            return [await self._page(keys=keys, args=args)]
        pipe = self.redis.pipeline(transaction=False)
        for keys, args in asked:
            pipe.evalsha(self._page.sha, len(keys), *keys, *args)
        answers: list[Any] = await pipe.execute(raise_on_error=False)
        for n, (keys, args) in enumerate(asked):
            if isinstance(answers[n], NoScriptError):  # Redis restarted
                answers[n] = await self._page(keys=keys, args=args)
        return answers

    async def rebuild(self, session: AsyncSession, account_id: int) -> None:
        feed, reblogs, active = self.keys(account_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(feed, reblogs)
        pipe.zadd(feed, {SENTINEL: 0})
        pipe.set(active, 1, ex=ACTIVE_SECONDS)
        await pipe.execute()
        await self.add(session, await rebuild_entries(session, account_id, self.cap))


def _ids(members: Any) -> list[int]:
    return [int(m) for m in members]
