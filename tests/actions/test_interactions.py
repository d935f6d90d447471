"""Likes, reposts, saves and pins: the rows, the counters, and their consequences
(notifications, timeline jobs)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from tests.factories import make_person
from tests.timelines.helpers import people, post
from weft.actions import interactions
from weft.config import Settings
from weft.db.database import Database
from weft.errors import Forbidden, Invalid, NotFound
from weft.models import Account, Favourite, Job, Notification, Status


async def _status(db: Database, status_id: int) -> Status:
    async with db.read() as session:
        status = await session.get(Status, status_id)
        assert status is not None
        return status


async def _count(db: Database, model: type, **where: object) -> int:
    async with db.read() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(query) or 0)


async def test_like_and_unlike_count_once_and_notify(db: Database, settings: Settings) -> None:
    alice, bob = await people(db, settings, "alice", "bob")
    hello = await post(db, settings, alice, "hello")
    for _ in range(2):
        assert await interactions.favourite(db, bob.account_id, hello) == hello
    assert (await _status(db, hello)).favourites_count == 1
    assert await _count(db, Notification, type="favourite", account_id=alice.account_id) == 1
    for _ in range(2):
        await interactions.unfavourite(db, bob.account_id, hello)
    assert (await _status(db, hello)).favourites_count == 0
    assert await _count(db, Notification, type="favourite") == 0


async def test_30_people_liking_at_once_make_30_likes(db: Database, settings: Settings) -> None:
    (alice,) = await people(db, settings, "alice")
    hello = await post(db, settings, alice, "hello")
    fans = await asyncio.gather(*(make_person(db, settings, f"fan{i}") for i in range(30)))
    await asyncio.gather(
        *(interactions.favourite(db, fan.account_id, hello) for fan in fans for _ in range(2))
    )
    assert (await _status(db, hello)).favourites_count == 30
    assert await _count(db, Favourite, status_id=hello) == 30


async def test_repost_has_its_own_visibility_and_counts(db: Database, settings: Settings) -> None:
    alice, bob = await people(db, settings, "alice", "bob")
    hello = await post(db, settings, alice, "hello")
    repost = await interactions.reblog(db, bob.account_id, hello, "unlisted")
    again = await interactions.reblog(db, bob.account_id, repost)  # a repost's original
    assert again == repost
    row = await _status(db, repost)
    assert (row.reblog_of_id, row.visibility, row.account_id) == (hello, "unlisted", bob.account_id)
    assert (await _status(db, hello)).reblogs_count == 1
    assert await _count(db, Notification, type="reblog", account_id=alice.account_id) == 1
    assert await _count(db, Job, kind="timelines.fan_out") == 2  # the post and the repost
    async with db.read() as session:
        bob_row = await session.get(Account, bob.account_id)
        assert bob_row is not None
        assert bob_row.statuses_count == 1
    assert await interactions.unreblog(db, bob.account_id, hello) == hello
    assert (await _status(db, hello)).reblogs_count == 0
    assert await _count(db, Status, reblog_of_id=hello) == 0
    assert await _count(db, Job, kind="timelines.remove") == 1


async def test_repost_refusals(db: Database, settings: Settings) -> None:
    alice, bob = await people(db, settings, "alice", "bob")
    secret = await post(db, settings, alice, "followers only", "private")
    with pytest.raises(NotFound):  # bob cannot see it
        await interactions.reblog(db, bob.account_id, secret)
    with pytest.raises(Invalid):
        await interactions.reblog(db, alice.account_id, secret, "direct")
    own = await interactions.reblog(db, alice.account_id, secret, "public")
    assert (await _status(db, own)).visibility == "private"  # stays with her followers
    from tests.timelines.helpers import follow

    await follow(db, bob, alice)
    with pytest.raises(Forbidden):  # a follower sees it but may not spread it
        await interactions.reblog(db, bob.account_id, secret)


async def test_pins_own_posts_up_to_five(db: Database, settings: Settings) -> None:
    alice, bob = await people(db, settings, "alice", "bob")
    posts = [await post(db, settings, alice, f"post {i}") for i in range(6)]
    for status_id in posts[:5]:
        await interactions.pin(db, alice.account_id, status_id)
    await interactions.pin(db, alice.account_id, posts[0])  # again: no change
    with pytest.raises(Invalid, match="maximum number of posts"):
        await interactions.pin(db, alice.account_id, posts[5])
    with pytest.raises(Invalid, match="Someone else's post"):
        await interactions.pin(db, bob.account_id, posts[0])
    await interactions.unpin(db, alice.account_id, posts[0])
    await interactions.pin(db, alice.account_id, posts[5])


async def test_bookmarks_need_a_visible_post(db: Database, settings: Settings) -> None:
    alice, bob = await people(db, settings, "alice", "bob")
    secret = await post(db, settings, alice, "followers only", "private")
    hello = await post(db, settings, alice, "hello")
    with pytest.raises(NotFound):
        await interactions.bookmark(db, bob.account_id, secret)
    with pytest.raises(NotFound):
        await interactions.favourite(db, bob.account_id, secret)
    await interactions.bookmark(db, bob.account_id, hello)
    await interactions.bookmark(db, bob.account_id, hello)
    await interactions.unbookmark(db, bob.account_id, hello)
