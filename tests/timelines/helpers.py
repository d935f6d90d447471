"""Steps the timeline tests share: people, follows, posts, and running the queue.

Posts and follows go through the real actions (``post_status``,
``follow_account``), so the jobs they queue are the ones production runs.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import Person, make_person
from weft.actions.graph import follow_account
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import Job


async def people(db: Database, settings: Settings, *names: str) -> list[Person]:
    return [await make_person(db, settings, name) for name in names]


async def post(
    db: Database, settings: Settings, author: Person, text: str, visibility: str = "public"
) -> int:
    status = await post_status(db, settings, author.account_id, Draft(text, visibility=visibility))
    return status.id


async def follow(db: Database, follower: Person, target: Person, *, reblogs: bool = True) -> None:
    await follow_account(db, follower.account_id, target.account_id, reblogs=reblogs)


async def drain(db: Database, settings: Settings) -> None:
    """Run every queued job; fail if one did not succeed (it would be left queued)."""
    await Worker(db, settings).run_until_idle()
    async with db.read() as session:
        left = await session.scalar(select(func.count()).select_from(Job))
    assert left == 0, "a job failed and was left for a retry"
