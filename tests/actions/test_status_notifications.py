"""Followers who rang the bell hear of new posts; nobody else does."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_person
from weft.actions.graph import follow_account
from weft.actions.posts.post import Draft, post_status
from weft.actions.status_notifications import notify_subscribers
from weft.config import Settings
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import Notification


async def _status_notices(db: Database) -> list[tuple[int, int | None]]:
    async with db.read() as session:
        rows = await session.execute(
            select(Notification.account_id, Notification.status_id).where(
                Notification.type == "status"
            )
        )
        return [tuple(r) for r in rows.all()]


async def test_subscribers_are_notified_of_posts_but_not_replies_to_others(
    db: Database, settings: Settings
) -> None:
    alice = await make_person(db, settings, "alice")
    bell = await make_person(db, settings, "bell")
    quiet = await make_person(db, settings, "quiet")
    await follow_account(db, bell.account_id, alice.account_id, notify=True)
    await follow_account(db, quiet.account_id, alice.account_id)

    post = await post_status(db, settings, alice.account_id, Draft("New post"))
    thread = await post_status(
        db, settings, alice.account_id, Draft("And more", in_reply_to_id=post.id)
    )
    other = await post_status(db, settings, quiet.account_id, Draft("Hi"))
    await post_status(db, settings, alice.account_id, Draft("@quiet hi", in_reply_to_id=other.id))
    await post_status(db, settings, alice.account_id, Draft("@quiet psst", visibility="direct"))
    await Worker(db, settings).run_until_idle()

    assert sorted(await _status_notices(db)) == sorted(
        [(bell.account_id, post.id), (bell.account_id, thread.id)]
    )
    # Jobs run at least once: a second run notifies nobody again.
    assert await notify_subscribers(db, post.id) == 0
    assert len(await _status_notices(db)) == 2
