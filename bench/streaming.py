"""Streaming benchmarks (issue 16), each against real ``weft serve`` processes:

- d: 1,000 open ``user`` streams (WebSockets), one per follower of one
  account: the time from ``POST /api/v1/statuses`` (sent) to the ``update``
  arriving on every stream; p50, p99 and max over every stream and post.
  On SQLite (one ``weft serve`` with its embedded worker), and on PostgreSQL
  + Redis with ``weft serve --workers 2`` and one ``weft worker`` (the
  fan-out job runs in the worker; its event crosses Redis to both servers).
- e: memory per idle socket: the server's resident memory (the process and
  its children) with none open, then with 5,000 idle WebSockets.

The clients live in this process (asyncio, the ``websockets`` package); a
frame's arrival is stamped as soon as it is read. ``python -m bench.streaming``
runs both on SQLite, and d on PostgreSQL + Redis where they answer; ``make
bench`` runs it after the other scenarios.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text
from websockets.asyncio.client import ClientConnection, connect

from bench.seed import _bulk
from tests.backends import (
    REDIS_URL,
    create_postgres_database,
    drop_postgres_database,
    postgres_available,
    redis_available,
)
from tests.live import ROOT, WeftProcess
from weft.db import migrate
from weft.db.database import Database
from weft.db.ids import new_id
from weft.models import Account, Follow, OAuthAccessToken, OAuthApplication, User
from weft.security import token_hash

FOLLOWERS = 1000
POSTS = 5
IDLE_SOCKETS = 5000
OPEN_AT_ONCE = 100  # sockets being opened at a time (the server's accept queue)
PATIENCE = 60  # seconds an update may take before the run fails
RESULTS = ROOT / "bench" / "results"


# --- the network: one author and her followers, with tokens -------------------------


async def seed_followers(database_url: str, base_url: str, count: int) -> tuple[str, list[str]]:
    """One author and ``count`` followers; the author's token and theirs."""
    now = datetime.now(UTC)
    names = ["author"] + [f"reader{n:05d}" for n in range(count)]
    accounts = [
        {
            "id": new_id(),
            "username": name,
            "display_name": name.title(),
            "note": "",
            "fields": [],
            "uri": f"{base_url}/users/{name}",
            "url": f"{base_url}/@{name}",
            "created_at": now,
            "updated_at": now,
        }
        for name in names
    ]
    users = [
        {
            "id": new_id(),
            "account_id": a["id"],
            "email": f"{a['username']}@bench.test",
            "password_hash": "x",
            "confirmed_at": now,
            "created_at": now,
        }
        for a in accounts
    ]
    author = accounts[0]["id"]
    app_id = new_id()
    tokens = [f"stream-token-{a['id']}" for a in accounts]
    db = Database(database_url)
    try:
        async with db.write() as session:
            await _bulk(session, Account, accounts)
            await _bulk(session, User, users)
            follows = [
                {
                    "id": new_id(),
                    "account_id": a["id"],
                    "target_account_id": author,
                    "created_at": now,
                }
                for a in accounts[1:]
            ]
            await _bulk(session, Follow, follows)
            app = {
                "id": app_id,
                "name": "bench",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write",
                "client_id": "bench-streaming",
                "client_secret_hash": "x",
                "created_at": now,
            }
            await session.execute(insert(OAuthApplication), [app])
            rows = [
                {
                    "id": new_id(),
                    "token_hash": token_hash(token),
                    "application_id": app_id,
                    "user_id": user["id"],
                    "scopes": "read write",
                    "created_at": now,
                }
                for token, user in zip(tokens, users, strict=True)
            ]
            await _bulk(session, OAuthAccessToken, rows)
            await session.execute(
                text("UPDATE accounts SET followers_count = :n WHERE id = :id"),
                {"n": count, "id": author},
            )
    finally:
        await db.dispose()
    return tokens[0], tokens[1:]


# --- d: from a post to every follower's stream ---------------------------------------


def _ws(url: str) -> str:
    return url.replace("http://", "ws://") + "/api/v1/streaming"


async def _open(url: str, query: str, count: int, token_of: Any = None) -> list[ClientConnection]:
    gate = asyncio.Semaphore(OPEN_AT_ONCE)

    async def one(n: int) -> ClientConnection:
        async with gate:
            headers = {"Authorization": f"Bearer {token_of(n)}"} if token_of else None
            return await connect(
                _ws(url) + query, additional_headers=headers, open_timeout=120, ping_interval=None
            )

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def _arrival(ws: ClientConnection, status_id: str) -> float:
    while True:
        frame = await ws.recv()
        stamp = time.perf_counter()
        message = json.loads(frame)
        if message.get("event") == "update" and json.loads(message["payload"])["id"] == status_id:
            return stamp


async def post_to_streams(url: str, author_token: str, tokens: list[str]) -> dict[str, Any]:
    sockets = await _open(url, "?stream=user", len(tokens), lambda n: tokens[n])
    latencies: list[float] = []
    firsts: list[float] = []  # the first stream's arrival of each post: the fan-out's share
    answered: list[float] = []  # the POST's own answer
    try:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            for n in range(POSTS):
                started = time.perf_counter()
                response = await http.post(
                    "/api/v1/statuses",
                    headers={"Authorization": f"Bearer {author_token}"},
                    data={"status": f"to every stream, number {n}"},
                )
                response.raise_for_status()
                answered.append(time.perf_counter() - started)
                status_id = response.json()["id"]
                async with asyncio.timeout(PATIENCE):
                    stamps = await asyncio.gather(*(_arrival(ws, status_id) for ws in sockets))
                latencies += [stamp - started for stamp in stamps]
                firsts.append(min(stamps) - started)
                await asyncio.sleep(1)  # let the server settle between posts
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    ordered = sorted(latencies)
    return {
        "streams": len(sockets),
        "posts": POSTS,
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "first_arrival_median_ms": round(statistics.median(firsts) * 1000, 1),
        "post_answer_median_ms": round(statistics.median(answered) * 1000, 1),
    }


# --- e: memory per idle socket --------------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in KiB."""
    total = 0
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    return total + sum(_tree_rss_kb(int(child)) for child in children)


async def idle_socket_memory(server: WeftProcess) -> dict[str, Any]:
    assert server.process is not None
    pid = server.process.pid
    # Warm up the path (imports, caches), then measure with none open.
    warm = await _open(server.url, "?stream=public", 50)
    await asyncio.gather(*(ws.close() for ws in warm))
    await asyncio.sleep(2)
    before = _tree_rss_kb(pid)
    sockets = await _open(server.url, "?stream=public", IDLE_SOCKETS)
    try:
        await asyncio.sleep(5)  # let every socket settle (its task waiting for events)
        after = _tree_rss_kb(pid)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return {
        "sockets": len(sockets),
        "rss_before_kb": before,
        "rss_after_kb": after,
        "per_socket_kb": round((after - before) / len(sockets), 1),
    }


# --- running ----------------------------------------------------------------------------


@contextmanager
def _worker(env: dict[str, str], data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "worker.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "weft.cli", "worker"],
            env={**env, "WEFT_DATA_DIR": str(data_dir)},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


# ``WEFT_BENCH_STREAMING=d`` (or ``e``) runs one of the two; ``WEFT_BENCH_ONLY``
# (sqlite or postgresql) one backend, as for ``make bench``.
PARTS = os.environ.get("WEFT_BENCH_STREAMING", "de")
ONLY = os.environ.get("WEFT_BENCH_ONLY", "")


def run_sqlite() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        database_url = f"sqlite+aiosqlite:///{tmp / 'data' / 'weft.sqlite3'}"
        server = WeftProcess(
            {"WEFT_RATE_LIMITS": "false", "WEFT_DATABASE_URL": database_url}, tmp / "data"
        )
        migrate.upgrade(database_url)
        author, tokens = asyncio.run(seed_followers(database_url, server.url, FOLLOWERS))
        server.start()
        results: dict[str, Any] = {}
        try:
            if "d" in PARTS:
                results["d_streams_1000"] = asyncio.run(post_to_streams(server.url, author, tokens))
                results["load_average_after_d"] = os.getloadavg()
            if "e" in PARTS:
                results["e_idle_sockets"] = asyncio.run(idle_socket_memory(server))
        finally:
            server.stop()
    return results


def run_postgresql() -> dict[str, Any]:
    import redis

    database_url = create_postgres_database()
    redis_url = REDIS_URL.rsplit("/", 1)[0] + "/13"
    redis.Redis.from_url(redis_url).flushdb()
    try:
        with tempfile.TemporaryDirectory() as tmp_dir:
            tmp = Path(tmp_dir)
            env = {
                "WEFT_RATE_LIMITS": "false",
                "WEFT_DATABASE_URL": database_url,
                "WEFT_REDIS_URL": redis_url,
                "WEFT_WORKERS": "2",
                "WEFT_EMBEDDED_WORKERS": "0",  # every job runs in the `weft worker`
                # No short poll: the worker hears of each job by PostgreSQL's
                # NOTIFY (weft/jobs/wakeup.py), polling only as a fallback.
                "WEFT_SECRET_KEY": "bench-secret",
            }
            server = WeftProcess(env, tmp / "data")
            migrate.upgrade(database_url)
            author, tokens = asyncio.run(seed_followers(database_url, server.url, FOLLOWERS))
            server.start()
            try:
                with _worker(server.env, tmp / "worker"):
                    d = asyncio.run(post_to_streams(server.url, author, tokens))
            finally:
                server.stop()
    finally:
        drop_postgres_database(database_url)
    return {"d_streams_1000": d}


def run() -> dict[str, Any]:
    results: dict[str, Any] = {"load_average_at_start": os.getloadavg()}
    if ONLY in ("", "sqlite"):
        results["sqlite"] = run_sqlite()
        print("\n== Streaming, SQLite (one weft serve, embedded worker)")
        for key, value in results["sqlite"].items():
            print(f"  {key:<20} {value}")
    if ONLY == "sqlite" or "d" not in PARTS:
        pass
    elif postgres_available() and redis_available():
        results["postgresql_redis"] = run_postgresql()
        print("\n== Streaming, PostgreSQL + Redis (weft serve --workers 2, one weft worker)")
        for key, value in results["postgresql_redis"].items():
            print(f"  {key:<20} {value}")
    else:
        print("\nPostgreSQL or Redis is not reachable: streaming measured on SQLite only.")
    results["load_average_at_end"] = os.getloadavg()
    return results


if __name__ == "__main__":
    figures = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"streaming-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nWrote {path.relative_to(ROOT)}")
