"""``Database.rows_by_id`` (weft/db/by_id.py): rows by id for one key per
call, in fixed id slots on SQLite and coalesced per loop turn on PostgreSQL;
either way, each call gets the rows of its own ids, for its own key."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from weft.db.by_id import SLOTS, RowsById
from weft.db.database import Database
from weft.models import Account

# Each account, and whether it is the key's.
_ACCOUNTS = RowsById(lambda key: select(Account.id, Account.id == key), Account.id)


async def _accounts(db: Database, count: int) -> list[int]:
    async with db.write() as session:
        accounts = [Account(username=f"person{n}") for n in range(count)]
        session.add_all(accounts)
        await session.flush()
        return [a.id for a in accounts]


async def test_more_ids_than_slots_and_ids_without_rows(db: Database) -> None:
    ids = await _accounts(db, SLOTS + 5)
    missing = max(ids) + 1000
    rows = await db.rows_by_id(_ACCOUNTS, ids[3], [*ids, missing, ids[0]])
    assert sorted(row[0] for row in rows) == sorted(ids)
    assert [row[0] for row in rows if row[1]] == [ids[3]]
    assert await db.rows_by_id(_ACCOUNTS, ids[3], []) == []


async def test_calls_at_once_each_get_their_own_rows_for_their_own_key(db: Database) -> None:
    ids = await _accounts(db, 4)
    asked = [(ids[0], ids[:2]), (ids[1], ids[:2]), (ids[2], ids[2:]), (ids[3], [])]
    answers = await asyncio.gather(*(db.rows_by_id(_ACCOUNTS, k, wanted) for k, wanted in asked))
    for (key, wanted), rows in zip(asked, answers, strict=True):
        assert sorted(row[0] for row in rows) == sorted(wanted)
        assert [row[0] for row in rows if row[1]] == ([key] if key in wanted else [])
