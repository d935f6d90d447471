"""``post_thread``, the action behind the thread composer: all posts or none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import Person
from weft.actions.posts.post import Draft, InvalidThreadPost, post_status, post_thread
from weft.config import Settings
from weft.db.database import Database
from weft.models import Status


async def _count(db: Database) -> int:
    async with db.read() as session:
        return (await session.scalar(select(func.count()).select_from(Status))) or 0


async def test_a_thread_replies_to_a_post_and_chains(
    db: Database, settings: Settings, alice: Person
) -> None:
    parent = await post_status(db, settings, alice.account_id, Draft("before"))
    drafts = [Draft("a", in_reply_to_id=parent.id, visibility="private"), Draft("b"), Draft("c")]
    posted = await post_thread(db, settings, alice.account_id, drafts)
    assert [s.in_reply_to_id for s in posted] == [parent.id, posted[0].id, posted[1].id]
    assert {s.conversation_id for s in posted} == {parent.id}
    # A reply is never wider than its parent: "b" and "c" follow "a".
    assert [s.visibility for s in posted] == ["private", "private", "private"]


async def test_a_refusal_found_while_writing_leaves_nothing(
    db: Database, settings: Settings, alice: Person
) -> None:
    # The checks before writing pass (one attachment is allowed); the write then
    # finds the upload is not alice's, in the second post.
    drafts = [Draft("first"), Draft("second", media_ids=(12345,))]
    with pytest.raises(InvalidThreadPost) as raised:
        await post_thread(db, settings, alice.account_id, drafts)
    assert raised.value.index == 1
    assert raised.value.field == "media_ids"
    assert raised.value.description == "12345 is not an upload of yours"
    assert await _count(db) == 0


async def test_every_post_is_checked_before_any_is_written(
    db: Database, settings: Settings, alice: Person
) -> None:
    with pytest.raises(InvalidThreadPost) as raised:
        await post_thread(db, settings, alice.account_id, [Draft("ok"), Draft("x" * 501)])
    assert raised.value.index == 1
    assert raised.value.description == "character limit of 500 exceeded"
    assert await _count(db) == 0
