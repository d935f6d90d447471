from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from weft.db import migrate
from weft.db.database import Database, after_commit
from weft.models import Account


async def test_times_come_back_timezone_aware_utc(db: Database) -> None:
    when = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
    async with db.write() as session:
        session.add(Account(username="clock", created_at=when))
    async with db.read() as session:
        account = (await session.scalars(select(Account))).one()
    assert account.created_at == when
    assert account.created_at.tzinfo is not None


async def test_a_failed_write_leaves_nothing_and_skips_after_commit(db: Database) -> None:
    ran: list[str] = []

    async def fail() -> None:
        async with db.write() as session:
            session.add(Account(username="ghost"))
            after_commit(session, lambda: ran.append("no"))
            await session.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail()
    async with db.write() as session:
        after_commit(session, lambda: ran.append("yes"))
    async with db.read() as session:
        assert (await session.scalars(select(Account))).all() == []
    assert ran == ["yes"]


async def test_concurrent_writers_never_see_database_is_locked(db: Database) -> None:
    async def write(n: int) -> None:
        async with db.write() as session:
            session.add(Account(username=f"writer{n}"))

    await asyncio.gather(*(write(n) for n in range(100)))
    async with db.read() as session:
        assert len((await session.scalars(select(Account))).all()) == 100


def test_migrations_are_at_head(database_url: str) -> None:
    assert migrate.current_heads(database_url) == migrate.expected_heads()


async def test_names_are_unique_regardless_of_case_in_the_schema(db: Database) -> None:
    """The expression indexes survive every migration (SQLite's batch mode can drop them)."""
    from sqlalchemy.exc import IntegrityError

    from weft.models import Tag

    async with db.write() as session:
        session.add(Account(username="Bob"))
        session.add(Tag(name="Weft"))
    for duplicate in (Account(username="bob"), Tag(name="WEFT")):
        with pytest.raises(IntegrityError):
            async with db.write() as session:
                session.add(duplicate)
