"""The test suite's own backends: overlapping runs keep to their own Redis data."""

from __future__ import annotations

import redis

from tests.backends import LEASE_KEY, lease_redis_db, redis_db_url, release_redis_db


def test_each_run_gets_a_redis_database_of_its_own() -> None:
    mine = redis_db_url()
    assert redis_db_url() == mine  # one per run
    other, token = lease_redis_db()  # what a second run (or xdist worker) would get
    try:
        assert other != mine
        with redis.Redis.from_url(mine) as ours, redis.Redis.from_url(other) as theirs:
            theirs.set("weft:home:1", "theirs")
            assert ours.get("weft:home:1") is None
            assert ours.exists(LEASE_KEY)
            assert theirs.get(LEASE_KEY) == token.encode()
    finally:
        release_redis_db(other, token)
    with redis.Redis.from_url(other) as theirs:
        assert not theirs.exists(LEASE_KEY)  # free for the next run
    again, token = lease_redis_db()
    try:
        assert again == other
        with redis.Redis.from_url(again) as theirs:
            assert theirs.get("weft:home:1") is None  # a run's leftovers go with its lease
    finally:
        release_redis_db(again, token)
