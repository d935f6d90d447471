"""The API's home timeline (rows + versioned entity cache) against the full
bundle that every other list renders from: the same entities and the same
Link cursors, for every kind of post and relation, on each database and each
feed store, before and after the cache is warm, and after changes that must
reach a cached post (a like, an edit, a new display name, a block).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import insert

from tests.backends import redis_db_url
from tests.factories import Person
from tests.timelines.helpers import drain, follow, people, post
from weft.actions.accounts import ProfileChange, update_profile
from weft.actions.graph import block_account, mute_account
from weft.actions.interactions import bookmark, favourite, pin, reblog
from weft.actions.posts.edit import Change, edit_status
from weft.actions.posts.post import Draft, post_status
from weft.api.serializers.home import home_json
from weft.api.serializers.statuses import status_entities
from weft.config import Settings
from weft.db.database import Database
from weft.db.paging import Page
from weft.models import HomeFeedEntry
from weft.queries.home_rows import home_rows
from weft.queries.timelines import home_timeline
from weft.timelines import home_feed

if TYPE_CHECKING:
    from redis.asyncio import Redis


async def both(
    db: Database, settings: Settings, viewer: Person, page: Page
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The page as the API serves it, and as the bundle renders it; the same cursors."""
    feed = home_feed(settings)
    rows = await home_rows(db, feed, viewer.account_id, page)
    served = orjson.loads(await home_json(db, rows, settings))
    full = await home_timeline(db, feed, viewer.account_id, page)
    assert rows.cursors == full.cursors
    return served, status_entities(full.statuses, full.bundle, settings)


async def assert_same(db: Database, settings: Settings, viewer: Person, **page: int) -> list[Any]:
    served, expected = await both(db, settings, viewer, Page(**page))
    assert served == expected
    return served


async def test_every_kind_of_post_renders_as_the_bundle_does(
    db: Database, feed_settings: Settings
) -> None:
    s = feed_settings
    bob, alice, carol, dave, erin = await people(db, s, "bob", "alice", "carol", "dave", "erin")
    for target in (alice, carol, dave):
        await follow(db, bob, target)
    await follow(db, carol, bob)
    await assert_same(db, s, bob)  # an active reader on Redis
    hello = await post(db, s, alice, "hello @carol and #weft")
    private = await post(db, s, carol, "followers only", "private")
    muted = await post(db, s, dave, "you muted me")
    stranger = await post(db, s, erin, "a stranger's post")
    await reblog(db, carol.account_id, stranger)
    quotable = await post(db, s, carol, "quote me")
    quote = await post_status(
        db, s, alice.account_id, Draft("quoting carol", quoted_status_id=quotable)
    )
    await post_status(db, s, carol.account_id, Draft("quoting erin", quoted_status_id=stranger))
    hidden = await post(db, s, erin, "quoted, then hidden")
    await post_status(db, s, carol.account_id, Draft("quoting erin again", quoted_status_id=hidden))
    own = await post_status(db, s, bob.account_id, Draft("mine", application_id=None))
    await favourite(db, bob.account_id, hello)
    await bookmark(db, bob.account_id, quote.id)
    await pin(db, bob.account_id, own.id)
    await reblog(db, bob.account_id, hello)
    await mute_account(db, bob.account_id, dave.account_id)
    await drain(db, s)
    await assert_same(db, s, bob)
    await block_account(db, erin.account_id, bob.account_id)  # erin's posts: unauthorized
    await drain(db, s)

    cold = await assert_same(db, s, bob)
    warm = await assert_same(db, s, bob)  # now from the cache
    assert warm == cold
    ids = [e["id"] for e in warm]
    assert str(muted) not in ids
    assert str(private) in ids
    states = {e["quote"]["state"] for e in warm if e["quote"]}
    assert states == {"accepted", "unauthorized"}
    for limit in (1, 2, 3):
        await assert_same(db, s, bob, limit=limit)
    await assert_same(db, s, bob, max_id=int(ids[1]))
    await assert_same(db, s, bob, min_id=int(ids[-1]), limit=2)
    await assert_same(db, s, bob, since_id=int(ids[-1]), limit=2)


async def test_changes_reach_cached_entities(db: Database, feed_settings: Settings) -> None:
    s = feed_settings
    bob, alice, carol = await people(db, s, "bob", "alice", "carol")
    await follow(db, bob, alice)
    await assert_same(db, s, bob)
    hello = await post(db, s, alice, "hello")
    await drain(db, s)
    before = await assert_same(db, s, bob)
    assert before[0]["favourites_count"] == 0

    await favourite(db, carol.account_id, hello)
    after_like = await assert_same(db, s, bob)
    assert after_like[0]["favourites_count"] == 1

    await edit_status(db, s, alice.account_id, hello, Change("hello, edited"))
    after_edit = await assert_same(db, s, bob)
    assert "edited" in after_edit[0]["content"]
    assert after_edit[0]["edited_at"] is not None

    await update_profile(db, alice.account_id, ProfileChange(display_name="Alice A."))
    renamed = await assert_same(db, s, bob)
    assert renamed[0]["account"]["display_name"] == "Alice A."

    await block_account(db, alice.account_id, bob.account_id)
    await drain(db, s)
    assert await assert_same(db, s, bob) == []


async def test_a_post_left_in_a_feed_is_still_judged_when_read(
    db: Database, settings: Settings
) -> None:
    """A feed row the policies no longer allow (here one written by hand for a
    followers-only post of someone the reader does not follow) is not shown."""
    bob, alice = await people(db, settings, "bob", "alice")
    secret = await post(db, settings, alice, "followers only", "private")
    async with db.write() as session:
        await session.execute(
            insert(HomeFeedEntry).values(account_id=bob.account_id, status_id=secret)
        )
    served = await assert_same(db, settings, bob)
    assert served == []
    rows = await home_rows(db, home_feed(settings), bob.account_id, Page())
    assert rows.cursors == [secret]  # the Link header still moves past it


async def test_pages_read_at_once_are_each_what_they_are_alone(
    db: Database, feed_settings: Settings
) -> None:
    """On PostgreSQL the posts of pages asked for in one turn of the event loop
    are read in one statement (weft/db/by_id.py): each page must still get
    its own posts, with its own viewer's facts, also when one person asks
    twice at once and when a page shows reposts (a second level of reads)."""
    import asyncio

    s = feed_settings
    bob, alice, carol, dave = await people(db, s, "bob", "alice", "carol", "dave")
    for reader, target in ((bob, alice), (bob, carol), (carol, alice), (dave, carol)):
        await follow(db, reader, target)
    readers = (bob, carol, dave, bob)
    for reader in readers:
        await assert_same(db, s, reader)
    hello = await post(db, s, alice, "hello")
    secret = await post(db, s, alice, "followers only", "private")
    await reblog(db, carol.account_id, hello)
    await favourite(db, bob.account_id, hello)
    await bookmark(db, dave.account_id, hello)
    await post(db, s, carol, "from carol")
    await drain(db, s)
    feed = home_feed(s)
    alone = [
        orjson.loads(await home_json(db, await home_rows(db, feed, r.account_id, Page()), s))
        for r in readers
    ]
    together = await asyncio.gather(*(home_rows(db, feed, r.account_id, Page()) for r in readers))
    assert [orjson.loads(await home_json(db, rows, s)) for rows in together] == alone
    (repost,) = [e for e in alone[2] if e["reblog"]]  # dave follows carol, not alice
    assert repost["reblog"]["id"] == str(hello)
    assert repost["reblog"]["bookmarked"] is True
    assert repost["reblog"]["favourited"] is False
    assert str(secret) not in {e["id"] for e in alone[2]}
    assert {e["id"]: e["favourited"] for e in alone[0]}[str(hello)] is True


async def test_a_reader_back_from_away_gets_a_rebuilt_feed(
    db: Database, settings: Settings, redis: Redis
) -> None:
    """On Redis, a feed whose owner was away missed the fan-out: it is rebuilt
    before it is read, not read as it was left."""
    s = settings.with_(redis_url=redis_db_url())
    alice, bob = await people(db, s, "alice", "bob")
    await follow(db, bob, alice)
    hello = await post(db, s, alice, "hello")
    await drain(db, s)
    feed = home_feed(s)
    assert [p.id for p in (await home_rows(db, feed, bob.account_id, Page())).shown] == [hello]
    await redis.delete(f"weft:home:{bob.account_id}:active")  # two weeks away
    later = await post(db, s, alice, "later")
    await drain(db, s)
    rows = await home_rows(db, feed, bob.account_id, Page())
    assert [p.id for p in rows.shown] == [later, hello]


async def test_the_coalescers_keep_neither_their_database_nor_their_client_alive() -> None:
    """The posts' coalescer belongs to its database and the pages' to its
    Redis client (kept weakly): a test or a process that drops its database
    or client drops them too."""
    import gc
    import weakref

    from redis.asyncio import Redis

    from weft.queries.home_rows import _POSTS
    from weft.timelines.redis import RedisHomeFeed

    db = Database("postgresql+asyncpg://nobody@127.0.0.1:9/never")  # never connects
    assert await db.rows_by_id(_POSTS, 1, []) == []
    client = Redis.from_url("redis://127.0.0.1:9/0")
    RedisHomeFeed(client)
    gone = [weakref.ref(db), weakref.ref(client)]
    del db, client
    gc.collect()
    assert [ref() for ref in gone] == [None, None]
