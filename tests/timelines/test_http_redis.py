"""The home timeline over real HTTP with the Redis feed store."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.test_timelines import ids, say
from tests.backends import redis_db_url, require_redis
from tests.conftest import empty_database
from tests.live import LiveServer
from tests.timelines.helpers import drain, follow, people
from weft.config import Settings
from weft.db.database import Database


@pytest.fixture
def redis_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, redis: object
) -> Iterator[LiveServer]:
    require_redis()
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("redis-server"),
        database_url=database_url,
        secret_key="test-secret-key",
        embedded_workers=0,
        rate_limits=False,
        redis_url=redis_db_url(),
    )
    server = LiveServer(settings).start()
    try:
        yield server
    finally:
        server.stop()
        empty_database(database_url)


async def test_home_over_http_on_redis(redis_server: LiveServer, db: Database) -> None:
    s = redis_server.settings
    alice, bob = await people(db, s, "alice", "bob")
    with redis_server.client() as client:
        assert ids(client.get("/api/v1/timelines/home", headers=bob.auth)) == []
        await follow(db, bob, alice)
        posted = [say(client, alice, f"post {i}") for i in range(3)]
        await drain(db, s)
        home = client.get("/api/v1/timelines/home", params={"limit": 2}, headers=bob.auth)
        assert ids(home) == posted[::-1][:2]
        assert isinstance(home, httpx.Response)
        assert "max_id" in home.headers["Link"]
