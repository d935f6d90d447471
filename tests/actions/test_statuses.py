"""The post actions, called directly: database state and consequences (jobs, notifications)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from tests.factories import Person
from weft.actions.posts.delete import delete_status
from weft.actions.posts.edit import Change, edit_status
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid, NotFound
from weft.models import Status


async def sql(db: Database, query: str, **params: Any) -> list[tuple[Any, ...]]:
    async with db.read() as session:
        return [tuple(row) for row in await session.execute(text(query), params)]


async def test_posting_records_its_consequences(
    db: Database, settings: Settings, alice: Person, bob: Person
) -> None:
    status = await post_status(db, settings, alice.account_id, Draft("hi @bob #Tea"))
    await post_status(db, settings, bob.account_id, Draft("me too #tea #TEA"))
    assert await sql(db, "SELECT name FROM tags") == [("Tea",)]  # one tag, first spelling
    assert await sql(db, "SELECT account_id, silent FROM mentions") == [(bob.account_id, False)]
    assert await sql(db, "SELECT account_id, type, status_id FROM notifications") == [
        (bob.account_id, "mention", status.id)
    ]
    jobs = await sql(db, "SELECT kind FROM jobs WHERE kind LIKE 'timelines.%'")
    assert jobs == [("timelines.fan_out",), ("timelines.fan_out",)]
    rows = await sql(
        db,
        "SELECT statuses_count, last_status_at FROM accounts WHERE id = :id",
        id=alice.account_id,
    )
    assert rows[0][0] == 1
    assert rows[0][1] is not None


async def test_direct_posts_do_not_count(db: Database, settings: Settings, alice: Person) -> None:
    status = await post_status(db, settings, alice.account_id, Draft("psst", visibility="direct"))
    count = "SELECT statuses_count FROM accounts WHERE id = :id"
    assert await sql(db, count, id=alice.account_id) == [(0,)]
    await delete_status(db, alice.account_id, status.id)
    assert await sql(db, count, id=alice.account_id) == [(0,)]


async def test_reply_controls_hold_for_every_caller(
    db: Database, settings: Settings, alice: Person, bob: Person
) -> None:
    root = await post_status(
        db, settings, alice.account_id, Draft("only me @bob", reply_policy="author")
    )
    with pytest.raises(Invalid) as refused:
        await post_status(db, settings, bob.account_id, Draft("hey", in_reply_to_id=root.id))
    assert refused.value.field == "in_reply_to_id"
    with pytest.raises(NotFound):
        await post_status(db, settings, bob.account_id, Draft("hey", in_reply_to_id=new_id()))
    await post_status(db, settings, alice.account_id, Draft("more", in_reply_to_id=root.id))


async def test_concurrent_posts_with_one_key_make_one(
    db: Database, settings: Settings, alice: Person
) -> None:
    draft = Draft("once", idempotency_key="same")
    made = await asyncio.gather(
        *(post_status(db, settings, alice.account_id, draft) for _ in range(6))
    )
    assert len({s.id for s in made}) == 1
    assert await sql(db, "SELECT COUNT(*) FROM statuses") == [(1,)]
    assert await sql(db, "SELECT COUNT(*) FROM jobs WHERE kind = 'timelines.fan_out'") == [(1,)]


async def test_edit_keeps_the_original_and_tells_reposters(
    db: Database, settings: Settings, alice: Person, bob: Person
) -> None:
    status = await post_status(db, settings, alice.account_id, Draft("v1"))
    async with db.write() as session:
        session.add(Status(id=new_id(), account_id=bob.account_id, reblog_of_id=status.id))
    await edit_status(db, settings, alice.account_id, status.id, Change("v2"))
    same = await edit_status(db, settings, alice.account_id, status.id, Change("v2"))
    assert same.edited_at is not None
    versions = await sql(
        db, "SELECT text FROM status_edits WHERE status_id = :id ORDER BY id", id=status.id
    )
    assert versions == [("v1",), ("v2",)]  # the no-op edit made no version
    assert await sql(db, "SELECT account_id, type FROM notifications") == [
        (bob.account_id, "update")
    ]
    with pytest.raises(NotFound):
        await edit_status(db, settings, bob.account_id, status.id, Change("mine now"))


async def test_delete_undoes_counts_and_queues_removal(
    db: Database, settings: Settings, alice: Person, bob: Person
) -> None:
    root = await post_status(db, settings, alice.account_id, Draft("root"))
    reply = await post_status(db, settings, bob.account_id, Draft("re", in_reply_to_id=root.id))
    quote = await post_status(db, settings, bob.account_id, Draft("q", quoted_status_id=root.id))
    counts = "SELECT replies_count, quotes_count FROM statuses WHERE id = :id"
    assert await sql(db, counts, id=root.id) == [(1, 1)]
    await delete_status(db, bob.account_id, reply.id)
    await delete_status(db, bob.account_id, quote.id)
    assert await sql(db, counts, id=root.id) == [(0, 0)]
    payloads = await sql(db, "SELECT payload FROM jobs WHERE kind = 'timelines.remove'")
    assert len(payloads) == 2
    with pytest.raises(NotFound):
        await delete_status(db, bob.account_id, reply.id)
