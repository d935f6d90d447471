"""The home-feed stores and the jobs that fill them, on the table and on Redis.

Every test runs on each database, with each store: both must give the same
answers for the same history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import insert, select

from tests.backends import redis_db_url
from tests.factories import Person
from tests.timelines.helpers import drain, follow, people, post
from weft.actions.graph import block_account, mute_account, unfollow_account
from weft.actions.interactions import reblog, unreblog
from weft.actions.posts.delete import delete_status
from weft.actions.topics import follow_tag
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.paging import Page
from weft.events import UPDATE, Event, bus_for, keys
from weft.models import Account, Follow, Status
from weft.models.base import utcnow
from weft.queries.timelines import home_timeline
from weft.timelines import home_feed
from weft.timelines import jobs as timeline_jobs

if TYPE_CHECKING:
    from redis.asyncio import Redis


async def home(db: Database, settings: Settings, person: Person, **page: int) -> list[int]:
    """The ids in ``person``'s feed (reading also marks them active on Redis)."""
    async with db.read() as session:
        return await home_feed(settings).page(session, person.account_id, Page(**page))


async def test_a_post_reaches_its_author_and_followers(
    db: Database, feed_settings: Settings
) -> None:
    s = feed_settings
    alice, bob, carol = await people(db, s, "alice", "bob", "carol")
    await follow(db, bob, alice)
    for person in (alice, bob, carol):
        await home(db, s, person)  # active readers
    public = await post(db, s, alice, "hello")
    private = await post(db, s, alice, "followers only", "private")
    await drain(db, s)
    assert await home(db, s, alice) == [private, public]
    assert await home(db, s, bob) == [private, public]
    assert await home(db, s, carol) == []


async def test_a_direct_post_reaches_only_mentioned_followers(
    db: Database, feed_settings: Settings
) -> None:
    s = feed_settings
    alice, bob, carol, dave = await people(db, s, "alice", "bob", "carol", "dave")
    await follow(db, bob, alice)
    await follow(db, carol, alice)
    for person in (bob, carol, dave):
        await home(db, s, person)
    secret = await post(db, s, alice, "@bob @dave psst", "direct")
    await drain(db, s)
    assert await home(db, s, bob) == [secret]
    assert await home(db, s, carol) == []
    assert await home(db, s, dave) == []  # mentioned, but does not follow alice


async def test_a_post_is_shown_once_however_often_it_is_reposted(
    db: Database, feed_settings: Settings
) -> None:
    s = feed_settings
    alice, bob, carol, dave = await people(db, s, "alice", "bob", "carol", "dave")
    for target in (alice, bob, carol):
        await follow(db, dave, target)
    await follow(db, dave, bob, reblogs=True)
    await home(db, s, dave)
    original = await post(db, s, alice, "worth sharing")
    await drain(db, s)
    await reblog(db, bob.account_id, original)
    await reblog(db, carol.account_id, original)
    await drain(db, s)
    assert await home(db, s, dave) == [original]


async def test_the_first_repost_brings_a_post_in_once(
    db: Database, feed_settings: Settings
) -> None:
    s = feed_settings
    alice, bob, carol, dave = await people(db, s, "alice", "bob", "carol", "dave")
    await follow(db, dave, bob)
    await follow(db, dave, carol)
    await home(db, s, dave)
    original = await post(db, s, alice, "worth sharing")
    by_bob = await reblog(db, bob.account_id, original)
    await drain(db, s)
    await reblog(db, carol.account_id, original)
    await drain(db, s)
    assert await home(db, s, dave) == [by_bob]


async def test_reposts_skip_followers_who_hide_them(db: Database, feed_settings: Settings) -> None:
    s = feed_settings
    alice, bob, carol = await people(db, s, "alice", "bob", "carol")
    await follow(db, carol, bob, reblogs=False)
    await home(db, s, carol)
    original = await post(db, s, alice, "hello")
    await reblog(db, bob.account_id, original)
    own = await post(db, s, bob, "mine")
    await drain(db, s)
    assert await home(db, s, carol) == [own]


async def test_follow_merges_and_unfollow_unmerges(db: Database, feed_settings: Settings) -> None:
    s = feed_settings
    alice, bob = await people(db, s, "alice", "bob")
    await home(db, s, bob)
    first = await post(db, s, alice, "one")
    second = await post(db, s, alice, "two", "private")
    await drain(db, s)
    assert await home(db, s, bob) == []
    await follow(db, bob, alice)
    await drain(db, s)
    assert await home(db, s, bob) == [second, first]
    await unfollow_account(db, bob.account_id, alice.account_id)
    await drain(db, s)
    assert await home(db, s, bob) == []


async def test_a_block_unmerges(db: Database, feed_settings: Settings) -> None:
    s = feed_settings
    alice, bob = await people(db, s, "alice", "bob")
    await follow(db, bob, alice)
    await home(db, s, bob)
    await post(db, s, alice, "one")
    await drain(db, s)
    await block_account(db, alice.account_id, bob.account_id)
    await drain(db, s)
    assert await home(db, s, bob) == []


async def test_deleted_posts_and_undone_reposts_leave_feeds(
    db: Database, feed_settings: Settings
) -> None:
    s = feed_settings
    alice, bob, carol = await people(db, s, "alice", "bob", "carol")
    await follow(db, carol, alice)
    await follow(db, carol, bob)
    await home(db, s, carol)
    kept = await post(db, s, alice, "kept")
    gone = await post(db, s, alice, "gone")
    shared = await post(db, s, carol, "mine, shared")
    await drain(db, s)
    repost = await reblog(db, bob.account_id, shared)
    await drain(db, s)
    assert repost not in await home(db, s, carol)  # her own post is already there
    await delete_status(db, alice.account_id, gone)
    await unreblog(db, bob.account_id, shared)
    await drain(db, s)
    # Read through the query: on Redis a deleted post's id may linger in the set
    # (its delete job cannot name the readers), and reading drops it.
    page = await home_timeline(db, home_feed(s), carol.account_id, Page())
    assert [status.id for status in page.statuses] == [shared, kept]


async def test_pages_of_a_feed(db: Database, feed_settings: Settings) -> None:
    s = feed_settings
    (alice,) = await people(db, s, "alice")
    await home(db, s, alice)
    ids = [await post(db, s, alice, f"post {i}") for i in range(6)]
    await drain(db, s)
    newest_first = ids[::-1]
    assert await home(db, s, alice, limit=2) == newest_first[:2]
    assert await home(db, s, alice, max_id=ids[3], limit=2) == [ids[2], ids[1]]
    assert await home(db, s, alice, since_id=ids[2], limit=2) == [ids[5], ids[4]]
    assert await home(db, s, alice, min_id=ids[2], limit=2) == [ids[4], ids[3]]
    assert await home(db, s, alice, min_id=ids[1], max_id=ids[4]) == [ids[3], ids[2]]


async def test_mutes_and_blocks_are_not_the_store_s_business(
    db: Database, feed_settings: Settings
) -> None:
    """The store keeps ids; hiding muted and blocked people happens at read time
    (tests/api/test_timelines.py), so a mute is undone without a rebuild."""
    s = feed_settings
    alice, bob = await people(db, s, "alice", "bob")
    await follow(db, bob, alice)
    await home(db, s, bob)
    hello = await post(db, s, alice, "hello")
    await drain(db, s)
    await mute_account(db, bob.account_id, alice.account_id)
    await drain(db, s)
    assert await home(db, s, bob) == [hello]


# -- Redis only: the cap, rebuilding, people who are away


async def test_redis_feeds_are_capped(db: Database, settings: Settings, redis: Redis) -> None:
    from weft.timelines.redis import RedisHomeFeed

    s = settings.with_(redis_url=redis_db_url())
    (alice,) = await people(db, s, "alice")
    feed = RedisHomeFeed(redis, cap=5)
    ids = [await post(db, s, alice, f"post {i}") for i in range(8)]
    async with db.read() as session:
        await feed.page(session, alice.account_id, Page())  # rebuilds (capped) and activates
        assert await feed.page(session, alice.account_id, Page()) == ids[::-1][:5]
        from weft.timelines.home import FeedEntry

        newer = [await post(db, s, alice, f"more {i}") for i in range(3)]
        await feed.add(session, [FeedEntry(alice.account_id, i) for i in newer])
        assert await feed.page(session, alice.account_id, Page()) == (ids + newer)[::-1][:5]
    assert await redis.zcard(f"weft:home:{alice.account_id}") == 5 + 1  # and the sentinel


async def test_redis_feed_is_rebuilt_after_its_key_is_lost(
    db: Database, settings: Settings, redis: Redis
) -> None:
    s = settings.with_(redis_url=redis_db_url())
    alice, bob, carol, dave = await people(db, s, "alice", "bob", "carol", "dave")
    await follow(db, bob, alice)
    await follow(db, bob, carol, reblogs=False)
    await home(db, s, bob)
    mine = await post(db, s, bob, "mine")
    hello = await post(db, s, alice, "hello", "private")
    await post(db, s, alice, "@carol psst", "direct")
    elsewhere = await post(db, s, dave, "elsewhere")
    await reblog(db, carol.account_id, elsewhere)  # not shown: bob hides carol's reposts
    await drain(db, s)
    before = await home(db, s, bob)
    assert before == [hello, mine]
    await redis.delete(f"weft:home:{bob.account_id}")
    assert await home(db, s, bob) == before
    # The same history fanned out into the table gives the same feed.
    async with db.read() as session:
        every = list(await session.scalars(select(Status.id).order_by(Status.id)))
    for status_id in every:
        await timeline_jobs.fan_out(db, settings, {"status_id": status_id})
    assert await home(db, settings, bob) == before


async def test_people_away_get_no_fan_out_and_a_rebuild(
    db: Database, settings: Settings, redis: Redis
) -> None:
    s = settings.with_(redis_url=redis_db_url())
    alice, bob = await people(db, s, "alice", "bob")
    await follow(db, bob, alice)
    await drain(db, s)
    hello = await post(db, s, alice, "hello")
    await drain(db, s)
    assert await redis.exists(f"weft:home:{bob.account_id}") == 0  # never read: no feed kept
    assert await home(db, s, bob) == [hello]
    await redis.delete(f"weft:home:{bob.account_id}:active")  # two weeks away
    later = await post(db, s, alice, "later")
    await drain(db, s)
    assert await redis.zscore(f"weft:home:{bob.account_id}", str(later).zfill(20)) is None
    assert await home(db, s, bob) == [later, hello]


async def test_a_rebuilt_feed_holds_the_posts_of_followed_tags(
    db: Database, settings: Settings, redis: Redis
) -> None:
    s = settings.with_(redis_url=redis_db_url())
    alice, bob = await people(db, s, "alice", "bob")
    await follow_tag(db, bob.account_id, "wool")
    await home(db, s, bob)
    tagged = await post(db, s, alice, "A new scarf #wool")
    await post(db, s, alice, "Secret #wool", "private")  # not through a tag
    await post(db, s, alice, "Nothing tagged")
    await drain(db, s)
    assert await home(db, s, bob) == [tagged]
    await redis.delete(f"weft:home:{bob.account_id}")
    assert await home(db, s, bob) == [tagged]


# -- fan-out to many


@pytest.mark.performance
async def test_fan_out_reaches_1000_followers_once(db: Database, feed_settings: Settings) -> None:
    s = feed_settings
    (star,) = await people(db, s, "star")
    followers = [new_id() for _ in range(1000)]
    async with db.write() as session:
        now = utcnow()
        await session.execute(
            insert(Account),
            [
                {"id": i, "username": f"fan{n}", "created_at": now, "updated_at": now, "fields": []}
                for n, i in enumerate(followers)
            ],
        )
        await session.execute(
            insert(Follow),
            [
                {
                    "id": new_id(),
                    "account_id": i,
                    "target_account_id": star.account_id,
                    "show_reblogs": True,
                    "notify": False,
                    "created_at": now,
                }
                for i in followers
            ],
        )
    if s.redis_url:  # only people who read their feed get fan-out on Redis
        for account_id in [star.account_id, *followers]:
            async with db.read() as session:
                await home_feed(s).page(session, account_id, Page())
    status = await post(db, s, star, "hello, all of you")
    # How fast is measured in bench/ (make bench), never asserted here.
    added = await timeline_jobs.fan_out(db, s, {"status_id": status})
    assert added == 1001
    assert await timeline_jobs.fan_out(db, s, {"status_id": status}) == 0  # idempotent
    async with db.read() as session:
        assert await home_feed(s).page(session, followers[-1], Page()) == [status]


class Heard:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def on_event(self, event: Event) -> None:
        self.events.append(event)

    def on_outage(self) -> None:
        pass


async def test_fan_out_tells_the_streams_in_steps(
    db: Database, feed_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers hear of a post in steps (2, then the rest here), each
    once its feeds are written; the public streams with the first step."""
    s = feed_settings
    monkeypatch.setattr(timeline_jobs, "FIRST_STEP", 2)
    star, *readers = await people(db, s, "star", *(f"reader{n}" for n in range(7)))
    for reader in readers:
        await follow(db, reader, star)
    await drain(db, s)
    if s.redis_url:  # only people who read their feed get fan-out on Redis
        for person in [star, *readers]:
            await home(db, s, person)
    status = await post(db, s, star, "hello in steps #wool")
    bus = bus_for(None)
    heard = Heard()
    await bus.start(heard)
    try:
        assert await timeline_jobs.fan_out(db, s, {"status_id": status}) == 8
    finally:
        await bus.stop(heard)
    told = [e.keys for e in heard.events if e.name == UPDATE and e.status_id == status]
    users = [[k for k in heard_keys if k.startswith("user:")] for heard_keys in told]
    assert [len(u) for u in users] == [2, 6]
    everyone = {keys.user(p.account_id) for p in [star, *readers]}
    assert {k for u in users for k in u} == everyone
    assert keys.PUBLIC in told[0]
    assert keys.hashtag("wool") in told[0]
    assert all(keys.PUBLIC not in later for later in told[1:])
    for person in [star, *readers]:
        assert await home(db, s, person) == [status]


async def test_redis_page_reads_asked_at_once_each_get_their_own_page(
    db: Database, settings: Settings, redis: Redis
) -> None:
    """Reads asked in one turn of the event loop go to Redis as one pipeline:
    each still gets its own page, also when Redis has lost the script (a
    restart) and when one feed must be rebuilt first."""
    import asyncio

    from weft.timelines.redis import RedisHomeFeed

    s = settings.with_(redis_url=redis_db_url())
    authors = await people(db, s, *(f"author{n}" for n in range(6)))
    feed = RedisHomeFeed(redis)
    mine = {
        a.account_id: [await post(db, s, a, f"by {n}") for _ in range(3)]
        for n, a in enumerate(authors)
    }
    async with db.read() as session:
        for author in authors:
            await feed.page(session, author.account_id, Page())  # rebuilt and active

    async def pages() -> list[list[int] | None]:
        return list(await asyncio.gather(*(feed.ready_page(a.account_id, Page()) for a in authors)))

    assert await pages() == [mine[a.account_id][::-1] for a in authors]
    await redis.script_flush()
    await redis.delete(f"weft:home:{authors[2].account_id}")
    expected: list[list[int] | None] = [mine[a.account_id][::-1] for a in authors]
    expected[2] = None  # to be rebuilt by the caller
    assert await pages() == expected
    older = Page(max_id=mine[authors[0].account_id][-1], limit=1)
    newer = Page(min_id=mine[authors[1].account_id][0], limit=1)
    assert list(
        await asyncio.gather(
            feed.ready_page(authors[0].account_id, older),
            feed.ready_page(authors[1].account_id, newer),
        )
    ) == [[mine[authors[0].account_id][1]], [mine[authors[1].account_id][1]]]
