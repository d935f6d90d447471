from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from tests.backends import redis_db_url, require_redis
from weft.config import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis

PREFIX = "weft-test:home"


@pytest.fixture(params=["table", "redis"])
def feed_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The test's settings with each home-feed store: the table, then Redis."""
    if request.param == "redis":
        require_redis()
        return settings.with_(redis_url=redis_db_url())
    return settings


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A Redis client on the test database; the test's feed keys are deleted after."""
    require_redis()
    from redis.asyncio import Redis

    client = Redis.from_url(redis_db_url())
    try:
        yield client
    finally:
        keys = [k async for k in client.scan_iter(match="weft*:home:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()
