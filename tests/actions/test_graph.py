"""The graph's actions: rows, counters, and their consequences (jobs, notifications)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import Person
from weft.actions import graph
from weft.db.database import Database
from weft.errors import Forbidden, Invalid, NotFound
from weft.models import Account, Block, Follow, FollowRequest, Job, Mute, Notification


async def counts(db: Database, person: Person) -> tuple[int, int]:
    """(followers, following) of ``person``."""
    async with db.read() as session:
        account = await session.get(Account, person.account_id)
    assert account is not None
    return account.followers_count, account.following_count


async def jobs(db: Database) -> list[tuple[str, dict[str, Any]]]:
    async with db.read() as session:
        rows = await session.scalars(select(Job).order_by(Job.id))
        return [(j.kind, j.payload) for j in rows]


async def notifications(db: Database, recipient: Person) -> list[tuple[str, int]]:
    async with db.read() as session:
        rows = await session.scalars(
            select(Notification).where(Notification.account_id == recipient.account_id)
        )
        return [(n.type, n.from_account_id) for n in rows]


async def rows(db: Database, model: Any) -> list[tuple[int, int]]:
    async with db.read() as session:
        found = await session.execute(select(model.account_id, model.target_account_id))
        return [(a, b) for a, b in found]


def pair(a: Person, b: Person) -> dict[str, int]:
    return {"account_id": a.account_id, "target_account_id": b.account_id}


async def test_follow_a_public_account(db: Database, alice: Person, bob: Person) -> None:
    await graph.follow_account(db, alice.account_id, bob.account_id)
    await graph.follow_account(db, alice.account_id, bob.account_id)  # idempotent

    assert await rows(db, Follow) == [(alice.account_id, bob.account_id)]
    assert await counts(db, alice) == (0, 1)
    assert await counts(db, bob) == (1, 0)
    assert await notifications(db, bob) == [("follow", alice.account_id)]
    assert await jobs(db) == [("timelines.merge", pair(alice, bob))]


async def test_following_again_changes_only_the_options_given(
    db: Database, alice: Person, bob: Person
) -> None:
    await graph.follow_account(db, alice.account_id, bob.account_id)
    await graph.follow_account(db, alice.account_id, bob.account_id, notify=True)
    await graph.follow_account(db, alice.account_id, bob.account_id, reblogs=False)

    async with db.read() as session:
        follow = await session.scalar(select(Follow))
    assert follow is not None
    assert (follow.show_reblogs, follow.notify) == (False, True)
    assert await counts(db, bob) == (1, 0)


async def test_follow_a_private_account_asks_first(
    db: Database, alice: Person, carol: Person
) -> None:
    await graph.follow_account(db, alice.account_id, carol.account_id, reblogs=False)

    assert await rows(db, Follow) == []
    assert await rows(db, FollowRequest) == [(alice.account_id, carol.account_id)]
    assert await counts(db, carol) == (0, 0)
    assert await notifications(db, carol) == [("follow_request", alice.account_id)]
    assert await jobs(db) == []

    await graph.authorize_follow_request(db, carol.account_id, alice.account_id)

    async with db.read() as session:
        follow = await session.scalar(select(Follow))
    assert follow is not None
    assert follow.show_reblogs is False
    assert await rows(db, FollowRequest) == []
    assert await counts(db, carol) == (1, 0)
    assert await counts(db, alice) == (0, 1)
    assert await notifications(db, carol) == []  # the request is answered
    assert await jobs(db) == [("timelines.merge", pair(alice, carol))]
    with pytest.raises(NotFound):
        await graph.authorize_follow_request(db, carol.account_id, alice.account_id)


async def test_reject_and_withdraw_a_request(db: Database, alice: Person, carol: Person) -> None:
    await graph.follow_account(db, alice.account_id, carol.account_id)
    await graph.reject_follow_request(db, carol.account_id, alice.account_id)
    assert await rows(db, FollowRequest) == []
    assert await rows(db, Follow) == []
    with pytest.raises(NotFound):
        await graph.reject_follow_request(db, carol.account_id, alice.account_id)

    await graph.follow_account(db, alice.account_id, carol.account_id)
    await graph.unfollow_account(db, alice.account_id, carol.account_id)
    assert await rows(db, FollowRequest) == []
    assert await notifications(db, carol) == []
    assert await counts(db, carol) == (0, 0)


async def test_unfollow_and_remove_follower(db: Database, alice: Person, bob: Person) -> None:
    await graph.follow_account(db, alice.account_id, bob.account_id)
    await graph.follow_account(db, bob.account_id, alice.account_id)

    await graph.unfollow_account(db, alice.account_id, bob.account_id)
    await graph.unfollow_account(db, alice.account_id, bob.account_id)  # idempotent
    await graph.remove_from_followers(db, alice.account_id, bob.account_id)

    assert await rows(db, Follow) == []
    assert await counts(db, alice) == (0, 0)
    assert await counts(db, bob) == (0, 0)
    unmerges = [payload for kind, payload in await jobs(db) if kind == "timelines.unmerge"]
    assert unmerges == [pair(alice, bob), pair(bob, alice)]


async def test_block_cuts_both_ways(
    db: Database, alice: Person, bob: Person, carol: Person
) -> None:
    await graph.follow_account(db, alice.account_id, bob.account_id)
    await graph.follow_account(db, bob.account_id, alice.account_id)
    await graph.follow_account(db, bob.account_id, carol.account_id)  # a pending request

    await graph.block_account(db, alice.account_id, bob.account_id)
    await graph.block_account(db, carol.account_id, bob.account_id)
    await graph.block_account(db, alice.account_id, bob.account_id)  # idempotent

    assert await rows(db, Follow) == []
    assert await rows(db, FollowRequest) == []
    assert sorted(await rows(db, Block)) == sorted(
        [(alice.account_id, bob.account_id), (carol.account_id, bob.account_id)]
    )
    for person in (alice, bob, carol):
        assert await counts(db, person) == (0, 0)
    unmerges = [payload for kind, payload in await jobs(db) if kind == "timelines.unmerge"]
    assert pair(alice, bob) in unmerges
    assert pair(bob, alice) in unmerges
    assert len(unmerges) == 4  # two per new block, none for the repeated one

    for source, target in ((alice, bob), (bob, alice), (bob, carol), (carol, bob)):
        with pytest.raises(Forbidden, match="This action is not allowed"):
            await graph.follow_account(db, source.account_id, target.account_id)

    await graph.unblock_account(db, alice.account_id, bob.account_id)
    await graph.follow_account(db, bob.account_id, alice.account_id)
    assert await rows(db, Follow) == [(bob.account_id, alice.account_id)]


async def test_self_and_unknown_targets(db: Database, alice: Person) -> None:
    with pytest.raises(NotFound):
        await graph.follow_account(db, alice.account_id, alice.account_id)
    with pytest.raises(NotFound):
        await graph.follow_account(db, alice.account_id, 123456789)
    with pytest.raises(NotFound):
        await graph.block_account(db, alice.account_id, 123456789)
    # Blocking or muting oneself does nothing, as in Mastodon.
    await graph.block_account(db, alice.account_id, alice.account_id)
    await graph.mute_account(db, alice.account_id, alice.account_id)
    assert await rows(db, Block) == []
    assert await rows(db, Mute) == []


async def test_mute_with_and_without_duration(db: Database, alice: Person, bob: Person) -> None:
    await graph.mute_account(db, alice.account_id, bob.account_id, duration=3600)
    async with db.read() as session:
        mute = await session.scalar(select(Mute))
    assert mute is not None
    assert mute.hide_notifications
    assert mute.expires_at is not None

    await graph.mute_account(db, alice.account_id, bob.account_id, notifications=False)
    async with db.read() as session:
        mute = await session.scalar(select(Mute))
    assert mute is not None
    assert not mute.hide_notifications
    assert mute.expires_at is None

    with pytest.raises(Invalid):
        await graph.mute_account(db, alice.account_id, bob.account_id, duration=-1)
    await graph.unmute_account(db, alice.account_id, bob.account_id)
    assert await rows(db, Mute) == []
