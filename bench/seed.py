"""Seed a network for the benchmarks, in bulk, on a migrated database.

1,000 people each following 20 others, plus 5 accounts followed by everyone
(1,000+ followers each), and 50,000 posts over the last 30 days. Rows are
written with multi-row INSERTs (the actions would take many minutes for this
much data); home timelines of the table backend are filled with one
INSERT ... SELECT from the follow graph, as fan-out would have filled them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.ids import id_at, new_id
from weft.models import (
    Account,
    Follow,
    OAuthAccessToken,
    OAuthApplication,
    Status,
    User,
)
from weft.security import token_hash

PEOPLE = 1000
CELEBRITIES = 5
FOLLOWS_EACH = 20
POSTS = 50_000
BATCH = 2000


@dataclass
class Seeded:
    people: list[int]
    celebrities: list[int]
    tokens: dict[int, str]  # account id -> bearer token (every person and celebrity)
    celebrity_tokens: dict[int, str]


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


async def _bulk(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        await session.execute(insert(model), chunk)


async def seed(db: Database, base_url: str, password_hash: str, rng: random.Random) -> Seeded:
    now = datetime.now(UTC)
    names = [f"person{n:04d}" for n in range(PEOPLE)] + [f"star{n}" for n in range(CELEBRITIES)]
    accounts = [
        {
            "id": new_id(),
            "username": u,
            "display_name": u.title(),
            "note": "",
            "fields": [],
            "uri": f"{base_url}/users/{u}",
            "url": f"{base_url}/@{u}",
            "created_at": now,
            "updated_at": now,
        }
        for u in names
    ]
    ids = [a["id"] for a in accounts]
    people, celebrities = ids[:PEOPLE], ids[PEOPLE:]
    users = [
        {
            "id": new_id(),
            "account_id": a["id"],
            "email": f"{a['username']}@bench.test",
            "password_hash": password_hash,
            "confirmed_at": now,
            "created_at": now,
        }
        for a in accounts
    ]
    follows: set[tuple[int, int]] = set()
    for person in people:
        for target in rng.sample(people, FOLLOWS_EACH + 1):
            if target != person:
                follows.add((person, target))
        follows.update((person, star) for star in celebrities)
    app_id = new_id()
    tokens = {account_id: f"bench-token-{account_id}" for account_id in ids}
    async with db.write() as session:
        await _bulk(session, Account, accounts)
        await _bulk(session, User, users)
        await _bulk(
            session,
            Follow,
            [
                {"id": new_id(), "account_id": a, "target_account_id": t, "created_at": now}
                for a, t in follows
            ],
        )
        await session.execute(
            insert(OAuthApplication),
            [
                {
                    "id": app_id,
                    "name": "bench",
                    "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                    "scopes": "read write follow",
                    "client_id": "bench",
                    "client_secret_hash": "x",
                    "created_at": now,
                }
            ],
        )
        user_of = {u["account_id"]: u["id"] for u in users}
        await _bulk(
            session,
            OAuthAccessToken,
            [
                {
                    "id": new_id(),
                    "token_hash": token_hash(tok),
                    "application_id": app_id,
                    "user_id": user_of[acc],
                    "scopes": "read write follow",
                    "created_at": now,
                }
                for acc, tok in tokens.items()
            ],
        )
    await _seed_posts(db, base_url, ids, dict(zip(ids, names, strict=True)), rng, now)
    await _fix_counts_and_feeds(db)
    return Seeded(people, celebrities, tokens, {c: tokens[c] for c in celebrities})


async def _seed_posts(
    db: Database,
    base_url: str,
    ids: list[int],
    names: dict[int, str],
    rng: random.Random,
    now: datetime,
) -> None:
    start = now - timedelta(days=30)
    step = timedelta(days=30) / POSTS
    rows = []
    for n in range(POSTS):
        author = rng.choice(ids)
        status_id = id_at(start + step * n)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
        rows.append(
            {
                "id": status_id,
                "account_id": author,
                "conversation_id": status_id,
                "text": words,
                "content": f"<p>{words}</p>",
                "visibility": "private" if n % 10 == 0 else "public",
                "uri": f"{base_url}/users/{names[author]}/statuses/{status_id}",
                "url": f"{base_url}/@{names[author]}/{status_id}",
                "created_at": start + step * n,
                "spoiler_text": "",
                "language": "en",
            }
        )
    async with db.write() as session:
        await _bulk(session, Status, rows)


async def _fix_counts_and_feeds(db: Database) -> None:
    async with db.write() as session:
        for statement in COUNT_AND_FEED_SQL:
            await session.execute(text(statement))


COUNT_AND_FEED_SQL = [
    "UPDATE accounts SET followers_count = "
    "(SELECT count(*) FROM follows WHERE follows.target_account_id = accounts.id)",
    "UPDATE accounts SET following_count = "
    "(SELECT count(*) FROM follows WHERE follows.account_id = accounts.id)",
    "UPDATE accounts SET statuses_count = "
    "(SELECT count(*) FROM statuses WHERE statuses.account_id = accounts.id)",
    # What fan-out on write would have put in the table backend's home timelines.
    "INSERT INTO home_feed_entries (account_id, status_id) "
    "SELECT follows.account_id, statuses.id FROM statuses "
    "JOIN follows ON follows.target_account_id = statuses.account_id",
    "INSERT INTO home_feed_entries (account_id, status_id) "
    "SELECT statuses.account_id, statuses.id FROM statuses",
]

WORDS = (
    "weft warp thread loom open federated post reply quote repost like follow morning "
    "coffee city river music book garden rain sun code python friends weekend news "
    "photo walk train idea question answer today tomorrow"
).split()
