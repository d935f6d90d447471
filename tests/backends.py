"""Which real backends this machine has, and throwaway databases on them.

SQLite always runs. PostgreSQL and Redis run wherever they answer; when they
don't, their tests skip with a message saying what is missing, except under
``CI=true``, where a missing backend fails the run.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from functools import cache
from urllib.parse import urlsplit

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


def require_redis() -> None:
    if not redis_available():
        missing(
            "Redis",
            f"start one at {REDIS_URL} or set WEFT_TEST_REDIS_URL to run these tests on it",
        )


async def _admin(sql: str) -> None:
    import asyncpg

    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_postgres_database() -> str:
    """A new, empty database on the test server; returns its async URL."""
    name = f"weft_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = normalize_database_url(POSTGRES_URL)
    return base.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
