"""Which real backends this machine has, and throwaway databases on them.

SQLite always runs. PostgreSQL and Redis run wherever they answer; when they
don't, their tests skip with a message saying what is missing, except under
``CI=true``, where a missing backend fails the run.

Test runs may overlap (two checkouts, or pytest-xdist's workers): each makes
databases of its own on PostgreSQL, and takes a Redis database number of its
own (``redis_db_url``), so that no run sees or deletes another's keys.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import socket
import uuid
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import pytest

from weft.config import normalize_database_url

CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("WEFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("WEFT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def missing(what: str, how: str) -> None:
    """Skip on a laptop without ``what``; fail under CI, which must have it."""
    message = f"{what} is not reachable here: {how}"
    if CI:
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2):
            return True
    except OSError:
        return False


@cache
def postgres_available() -> bool:
    return _answers(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))


@cache
def redis_available() -> bool:
    return _answers(REDIS_URL)


def require_postgres() -> None:
    if not postgres_available():
        missing(
            "PostgreSQL",
            f"start one at {POSTGRES_URL} or set WEFT_TEST_POSTGRES_URL to run these tests on it",
        )


# Held in the leased database itself; it expires in case the run dies without letting go.
LEASE_KEY = "weft-test:lease"
LEASE_SECONDS = 6 * 3600
# What Weft writes to Redis under test: home feeds (and the tests' own feed prefix), rate limits.
TEST_KEYS = ("weft*:home:*", "weft:rl:*")


@cache
def redis_db_url() -> str:
    """A Redis database of this test run's own (``lease_redis_db``), until the run ends."""
    require_redis()
    url, token = lease_redis_db()
    atexit.register(release_redis_db, url, token)
    return url


def lease_redis_db() -> tuple[str, str]:
    """The first Redis database no other test run holds, counting down from
    ``REDIS_URL``'s number (15 by default) to 1: its URL and the lease's token.

    The tests delete the keys Weft makes there (``TEST_KEYS``), and so does
    taking the lease (a run that died may have left some), so the test Redis
    should hold nothing else of that shape in those databases.
    """
    import redis

    parts = urlsplit(REDIS_URL)
    first = int(parts.path.strip("/") or 0)
    token = uuid.uuid4().hex
    for number in range(first, 0, -1) if first else [0]:
        url = urlunsplit(parts._replace(path=f"/{number}"))
        with redis.Redis.from_url(url) as client:
            if client.set(LEASE_KEY, token, nx=True, ex=LEASE_SECONDS):
                for pattern in TEST_KEYS:
                    for key in client.scan_iter(match=pattern):
                        client.delete(key)
                return url, token
    raise RuntimeError(
        f"every Redis database from {first} down to 1 at {REDIS_URL} is leased by another test "
        f"run ({LEASE_KEY}); wait for them, or delete stale leases"
    )


def release_redis_db(url: str, token: str) -> None:
    import redis

    with redis.Redis.from_url(url) as client:
        if client.get(LEASE_KEY) == token.encode():
            client.delete(LEASE_KEY)


def require_redis() -> None:
    if not redis_available():
        missing(
            "Redis",
            f"start one at {REDIS_URL} or set WEFT_TEST_REDIS_URL to run these tests on it",
        )


async def postgres_script(url: str, sql: str) -> None:
    """Runs ``sql`` (one statement or several, as one transaction) on the database at ``url``."""
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _admin(sql: str) -> None:
    await postgres_script(POSTGRES_URL, sql)


def create_postgres_database() -> str:
    """A new, empty database on the test server; returns its async URL."""
    name = f"weft_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = normalize_database_url(POSTGRES_URL)
    return base.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
