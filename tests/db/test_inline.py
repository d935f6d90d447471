"""``Database.rows``: on a SQLite file, statements prepared once and run on a
synchronous connection in the event loop (weft/db/inline.py); elsewhere,
SQLAlchemy's usual path. Both must give the same rows, with the same types."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Executable, bindparam, literal_column, select, text

from tests.backends import create_postgres_database, drop_postgres_database, require_postgres
from weft.db import inline, migrate, prepared
from weft.db.database import Database
from weft.db.hot_reads import HOT_READS
from weft.models import Account, Follow

WHEN = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)

_ACCOUNTS = (
    select(
        Account.id,
        Account.username,
        Account.created_at,
        Account.suspended_at,
        select(literal_column("1"))
        .where(Follow.account_id == bindparam("viewer"), Follow.target_account_id == Account.id)
        .exists(),
    )
    .where(Account.created_at >= bindparam("since", type_=Account.__table__.c.created_at.type))
    .order_by(Account.id)
    .limit(bindparam("limit"))
)
_BY_NAMES = select(Account.username).where(Account.username.in_(bindparam("names", expanding=True)))


async def _people(db: Database) -> list[int]:
    async with db.write() as session:
        accounts = [
            Account(username=name, created_at=WHEN + timedelta(days=n))
            for n, name in enumerate(("ana", "ben", "cy"))
        ]
        accounts[2].suspended_at = WHEN
        session.add_all(accounts)
        await session.flush()
        session.add(Follow(account_id=accounts[0].id, target_account_id=accounts[1].id))
        return [a.id for a in accounts]


async def _through_sqlalchemy(db: Database, statement: Executable, params: dict[str, Any]) -> Any:
    async with db.read() as session:
        return [tuple(row) for row in (await session.execute(statement, params)).all()]


async def test_rows_are_sqlalchemys_rows_with_the_same_types(db: Database) -> None:
    ana, ben, cy = await _people(db)
    params = {"viewer": ana, "since": WHEN, "limit": 10}
    rows = [tuple(row) for row in await db.rows(_ACCOUNTS, params)]
    assert rows == await _through_sqlalchemy(db, _ACCOUNTS, params)
    assert rows == [
        (ana, "ana", WHEN, None, False),
        (ben, "ben", WHEN + timedelta(days=1), None, True),
        (cy, "cy", WHEN + timedelta(days=2), WHEN, False),
    ]
    assert all(row[2].tzinfo is not None for row in rows)
    assert all(type(row[4]) is bool for row in rows)
    later = {"viewer": ana, "since": WHEN + timedelta(hours=1), "limit": 1}
    assert [row[1] for row in await db.rows(_ACCOUNTS, later)] == ["ben"]
    names = {"names": ["cy", "ana", "nobody"]}
    assert sorted(row[0] for row in await db.rows(_BY_NAMES, names)) == ["ana", "cy"]


async def test_statements_built_per_call_still_answer(db: Database) -> None:
    await _people(db)
    for n in range(prepared.MAX_PREPARED + 5):
        statement = select(Account.username).where(Account.username == bindparam("name"))
        assert [tuple(r) for r in await db.rows(statement, {"name": "ben"})] == [("ben",)], n


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A SQLite file of its own, whatever backend the rest of the run uses."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'weft.sqlite3'}"
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    yield db
    await db.dispose()


async def test_a_missing_parameter_is_named(sqlite_db: Database) -> None:
    with pytest.raises(KeyError, match="since"):
        await sqlite_db.rows(_ACCOUNTS, {"viewer": 1, "limit": 5})


async def test_a_reader_busy_in_another_thread_sends_the_read_through_the_pool(
    sqlite_db: Database,
) -> None:
    ana, *_ = await _people(sqlite_db)
    reader = sqlite_db._inline
    assert reader is not None
    params = {"viewer": ana, "since": WHEN, "limit": 10}
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with reader._lock:
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        held.wait(10)
        with pytest.raises(inline.Busy):
            reader.rows(_ACCOUNTS, params)
        assert len(await sqlite_db.rows(_ACCOUNTS, params)) == 3
    finally:
        release.set()
        thread.join()
    assert len(reader.rows(_ACCOUNTS, params)) == 3


async def test_a_dead_postgresql_connection_is_replaced_and_the_read_tried_again() -> None:
    require_postgres()
    url = await asyncio.to_thread(create_postgres_database)
    db = Database(url)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        await _people(db)
        params = {"viewer": 0, "since": WHEN, "limit": 10}
        assert len(await db.rows(_ACCOUNTS, params)) == 3  # opens a hot-read connection
        async with db.write() as session:  # the server ends it, as a restart would
            ended = await session.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": HOT_READS},
            )
        assert ended == 1
        assert len(await db.rows(_ACCOUNTS, params)) == 3
    finally:
        await db.dispose()
        await asyncio.to_thread(drop_postgres_database, url)


async def test_more_reads_at_once_than_postgresql_connections_all_answer(db: Database) -> None:
    ana, *_ = await _people(db)
    params = {"viewer": ana, "since": WHEN, "limit": 10}
    answers = await asyncio.gather(*(db.rows(_ACCOUNTS, params) for _ in range(40)))
    assert {len(rows) for rows in answers} == {3}
