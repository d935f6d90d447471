"""Events cross processes: two ``weft serve`` processes and a ``weft worker``
on PostgreSQL and Redis. A post made through one server is fanned out by the
worker, and its ``update`` is read from a stream held by the other."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mastodon import Mastodon

from tests.backends import (
    REDIS_URL,
    create_postgres_database,
    drop_postgres_database,
    require_postgres,
    require_redis,
)
from tests.live import ROOT, WeftProcess
from tests.streaming.clients import Collector, sign_up

pytestmark = [pytest.mark.acceptance, pytest.mark.two_server]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[WeftProcess, WeftProcess]]:
    require_postgres()
    require_redis()
    database = create_postgres_database()
    env = {
        "WEFT_DATABASE_URL": database,
        "WEFT_REDIS_URL": REDIS_URL,
        "WEFT_SECRET_KEY": "one secret for the cluster",
        "WEFT_EMBEDDED_WORKERS": "0",  # every job runs in the worker process
        "WEFT_RATE_LIMITS": "false",  # the Redis counters outlive a test run
    }
    first = WeftProcess(env, tmp_path / "one").start()
    # The second shares the database (already migrated), under its own address:
    # clients stream from the server the instance entity names.
    second = WeftProcess(env, tmp_path / "two").start()
    log = (tmp_path / "worker.log").open("ab")
    worker = subprocess.Popen(
        [sys.executable, "-m", "weft.cli", "worker"],
        env={**os.environ, **first.env, "WEFT_DATA_DIR": str(tmp_path / "worker")},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield first, second
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()
        second.stop()
        first.stop()
        drop_postgres_database(database)


def test_an_event_made_in_one_process_reaches_a_socket_of_another(
    cluster: tuple[WeftProcess, WeftProcess],
) -> None:
    first, second = cluster
    app = Mastodon.create_app("Streaming", api_base_url=first.url)
    bob = sign_up(first.url, app, "bob")
    alice = sign_up(first.url, app, "alice")
    alice.account_follow(bob.me().id)
    # Alice's stream is held by the second server.
    on_second = Mastodon(access_token=alice.access_token, api_base_url=second.url)
    listener = Collector()
    handle = on_second.stream_user(listener, run_async=True)
    try:
        listener.wait_for("heartbeat")
        post = bob.status_post("made on the first server")
        update = listener.wait_for("update", lambda s: s.id == post.id)
        assert update.content == "<p>made on the first server</p>"
        bob.status_favourite(alice.status_post("mine").id)
        assert listener.wait_for("notification", lambda n: n.type == "favourite")
    finally:
        handle.close()
