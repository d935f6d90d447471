"""``statuses.version`` and ``accounts.version`` (migration 0008's triggers) move
with every change an entity shows, whoever writes it: the cache of rendered
entities (weft/db/versioned.py) is right only if they do."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from tests.factories import make_person
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.versioned import VersionedCache
from weft.models import Account, MediaAttachment, PreviewCard, Status, StatusCard


async def version(db: Database, model: type[Status] | type[Account], row_id: int) -> int:
    async with db.read() as session:
        found = await session.scalar(select(model.version).where(model.id == row_id))
    assert found is not None
    return found


async def test_each_change_a_post_shows_moves_its_version(db: Database, settings: Settings) -> None:
    alice = await make_person(db, settings, "alice")
    status = await post_status(db, settings, alice.account_id, Draft("hello"))
    seen = [await version(db, Status, status.id)]

    async def changed() -> None:
        now = await version(db, Status, status.id)
        assert now > seen[-1]
        seen.append(now)

    async with db.write() as session:  # a count, as the interactions write it
        await session.execute(
            update(Status)
            .where(Status.id == status.id)
            .values(favourites_count=Status.favourites_count + 1)
        )
    await changed()
    media_id = new_id()
    async with db.write() as session:
        await session.execute(
            insert(MediaAttachment).values(
                id=media_id, account_id=alice.account_id, status_id=status.id, type="image"
            )
        )
    await changed()
    async with db.write() as session:  # processing done, or a new description
        await session.execute(
            update(MediaAttachment).where(MediaAttachment.id == media_id).values(description="a")
        )
    await changed()
    card_id = new_id()
    async with db.write() as session:
        await session.execute(insert(PreviewCard).values(id=card_id, url="https://example.com/"))
        await session.execute(insert(StatusCard).values(status_id=status.id, card_id=card_id))
    await changed()
    async with db.write() as session:  # the card's fetch finished
        await session.execute(
            update(PreviewCard).where(PreviewCard.id == card_id).values(state="ready")
        )
    await changed()
    async with db.write() as session:
        await session.execute(delete(MediaAttachment).where(MediaAttachment.id == media_id))
    await changed()


async def test_an_account_change_moves_its_version(db: Database, settings: Settings) -> None:
    alice = await make_person(db, settings, "alice")
    before = await version(db, Account, alice.account_id)
    async with db.write() as session:
        await session.execute(
            update(Account).where(Account.id == alice.account_id).values(display_name="A")
        )
    assert await version(db, Account, alice.account_id) > before


def test_the_cache_keeps_values_by_version_and_never_goes_back() -> None:
    cache = VersionedCache(limit=10)
    cache.put("status", 1, 2, "two")
    assert cache.get("status", 1, 2) == "two"
    assert cache.get("status", 1, 3) is None
    cache.put("status", 1, 1, "one")  # an older snapshot's rendering
    assert cache.get("status", 1, 2) == "two"
    for row_id in range(2, 30):
        cache.put("status", row_id, 0, row_id)
    assert len(cache) <= 10
    assert cache.get("status", 29, 0) == 29
