"""Chat benchmark (f, issue 17), against a real ``weft serve`` process:

- messages per second into one chat (``POST /api/weft/v1/chats/:id/messages``,
  CONCURRENCY requests in flight), and across 1,000 one-to-one chats (one
  message into each);
- the time from the ``POST`` (sent) to the ``chat.message`` frame on the
  other member's open ``user`` WebSocket: p50, p99, max (every message into
  the one chat; the first SOCKETS chats across the 1,000).

The readers follow the sender, so every chat is in their inbox and every
message is a ``chat.message`` event (requests are ``chat.request``).
``python -m bench.chats`` runs it on SQLite, and on PostgreSQL + Redis where
they answer; ``make bench`` runs it after the streaming benchmark.
``WEFT_BENCH_ONLY=sqlite`` (or ``postgresql``) runs one backend.

``python -m bench.chats --profile`` measures the send path in process
instead (no HTTP server, SQLite): the CPU milliseconds and the SQL
statements of one ``POST`` into a chat, and a cProfile listing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from websockets.asyncio.client import ClientConnection, connect

from bench.streaming import RESULTS, _worker, seed_followers
from tests.backends import (
    REDIS_URL,
    create_postgres_database,
    drop_postgres_database,
    postgres_available,
    redis_available,
)
from tests.live import ROOT, WeftProcess
from weft.app import create_app
from weft.config import load_settings
from weft.db import migrate

CHATS = 1000
ONE_CHAT_MESSAGES = 1000
CONCURRENCY = 16
SOCKETS = 100
PATIENCE = 60
STARTUP = 300  # seconds for `weft serve` to answer (slow on a loaded machine)


def _ws(url: str, token: str) -> str:
    return url.replace("http://", "ws://") + f"/api/v1/streaming?stream=user&access_token={token}"


async def _listen(ws: ClientConnection, arrivals: dict[str, float], wanted: int) -> None:
    while len(arrivals) < wanted:
        frame = json.loads(await ws.recv())
        if frame.get("event") == "chat.message":
            arrivals.setdefault(json.loads(frame["payload"])["id"], time.perf_counter())


async def _send_all(
    http: httpx.AsyncClient, token: str, chat_ids: list[str], sent: dict[str, float]
) -> float:
    """Send one message per entry of ``chat_ids``; the elapsed seconds."""
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for n, chat_id in enumerate(chat_ids):
        queue.put_nowait((n, chat_id))
    headers = {"Authorization": f"Bearer {token}"}

    async def sender() -> None:
        while not queue.empty():
            n, chat_id = queue.get_nowait()
            started = time.perf_counter()
            response = await http.post(
                f"/api/weft/v1/chats/{chat_id}/messages",
                headers=headers,
                json={"text": f"message {n}"},
            )
            response.raise_for_status()
            sent[response.json()["id"]] = started

    began = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(CONCURRENCY)))
    return time.perf_counter() - began


def _latencies(sent: dict[str, float], arrivals: dict[str, float]) -> dict[str, float]:
    ordered = sorted(arrivals[i] - sent[i] for i in arrivals if i in sent)
    return {
        "measured": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def measure(url: str, author: str, readers: list[str]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        headers = {"Authorization": f"Bearer {author}"}
        ids = []
        for token in readers:
            me = await http.get(
                "/api/v1/accounts/verify_credentials",
                headers={"Authorization": f"Bearer {token}"},
            )
            made = await http.post(
                "/api/weft/v1/chats", headers=headers, json={"account_ids": [me.json()["id"]]}
            )
            made.raise_for_status()
            ids.append(made.json()["id"])
        results: dict[str, Any] = {}

        # Into one chat.
        async with connect(_ws(url, readers[0]), ping_interval=None) as ws:
            arrivals: dict[str, float] = {}
            sent: dict[str, float] = {}
            listener = asyncio.ensure_future(_listen(ws, arrivals, ONE_CHAT_MESSAGES))
            elapsed = await _send_all(http, author, [ids[0]] * ONE_CHAT_MESSAGES, sent)
            async with asyncio.timeout(PATIENCE):
                await listener
        results["one_chat"] = {
            "messages": ONE_CHAT_MESSAGES,
            "messages_per_s": round(ONE_CHAT_MESSAGES / elapsed, 1),
            **_latencies(sent, arrivals),
        }

        # Across the chats: one message into each; the first SOCKETS readers listen.
        sockets = [
            await connect(_ws(url, token), ping_interval=None) for token in readers[:SOCKETS]
        ]
        try:
            each: list[dict[str, float]] = [{} for _ in sockets]
            sent = {}
            listeners = asyncio.gather(
                *(_listen(ws, got, 1) for ws, got in zip(sockets, each, strict=True))
            )
            elapsed = await _send_all(http, author, ids, sent)
            async with asyncio.timeout(PATIENCE):
                await listeners
            arrivals = {k: v for got in each for k, v in got.items()}
        finally:
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        results["across_chats"] = {
            "chats": len(ids),
            "messages_per_s": round(len(ids) / elapsed, 1),
            **_latencies(sent, arrivals),
        }
    return results


def run_sqlite() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        database_url = f"sqlite+aiosqlite:///{tmp / 'data' / 'weft.sqlite3'}"
        server = WeftProcess(
            {"WEFT_RATE_LIMITS": "false", "WEFT_DATABASE_URL": database_url}, tmp / "data"
        )
        migrate.upgrade(database_url)
        author, readers = asyncio.run(seed_followers(database_url, server.url, CHATS))
        server.start(timeout=STARTUP)
        try:
            return asyncio.run(measure(server.url, author, readers))
        finally:
            server.stop()


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
                "WEFT_EMBEDDED_WORKERS": "0",
                "WEFT_JOB_POLL_MS": "100",
                "WEFT_SECRET_KEY": "bench-secret",
            }
            server = WeftProcess(env, tmp / "data")
            migrate.upgrade(database_url)
            author, readers = asyncio.run(seed_followers(database_url, server.url, CHATS))
            server.start(timeout=STARTUP)
            try:
                with _worker(server.env, tmp / "worker"):
                    return asyncio.run(measure(server.url, author, readers))
            finally:
                server.stop()
    finally:
        drop_postgres_database(database_url)


def run() -> dict[str, Any]:
    only = os.environ.get("WEFT_BENCH_ONLY", "")
    results: dict[str, Any] = {"load_average_at_start": os.getloadavg()}
    if only in ("", "sqlite"):
        results["sqlite"] = run_sqlite()
        print("\n== Chats, SQLite (one weft serve)")
        for key, value in results["sqlite"].items():
            print(f"  {key:<14} {value}")
    if only == "sqlite":
        pass
    elif postgres_available() and redis_available():
        results["postgresql_redis"] = run_postgresql()
        print("\n== Chats, PostgreSQL + Redis (weft serve --workers 2)")
        for key, value in results["postgresql_redis"].items():
            print(f"  {key:<14} {value}")
    else:
        print("\nPostgreSQL or Redis is not reachable: chats measured on SQLite only.")
    results["load_average_at_end"] = os.getloadavg()
    return results


async def _post(app: Any, path: str, token: str, body: dict[str, Any]) -> tuple[int, bytes]:
    """One JSON ``POST`` straight into the ASGI app; its status and body."""
    data = json.dumps(body).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status, answer, given = 0, bytearray(), False

    async def receive() -> dict[str, Any]:
        nonlocal given
        if given:
            await asyncio.sleep(3600)
        given = True
        return {"type": "http.request", "body": data, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            answer.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, bytes(answer)


async def _profile_sends(database_url: str, data_dir: Path, count: int) -> dict[str, Any]:
    env = {
        "WEFT_DATABASE_URL": database_url,
        "WEFT_DATA_DIR": str(data_dir),
        "WEFT_RATE_LIMITS": "false",
        "WEFT_EMBEDDED_WORKERS": "0",
        "WEFT_SECRET_KEY": "bench-profile",
    }
    author, readers = await seed_followers(database_url, "http://127.0.0.1:8000", 1)
    app = create_app(load_settings(env))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        reader = await http.get(
            "/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {readers[0]}"},
        )
        made = await http.post(
            "/api/weft/v1/chats",
            headers={"Authorization": f"Bearer {author}"},
            json={"account_ids": [reader.json()["id"]]},
        )
    made.raise_for_status()
    path = f"/api/weft/v1/chats/{made.json()['id']}/messages"

    async def one(n: int) -> None:
        status, body = await _post(app, path, author, {"text": f"message {n}"})
        assert status == 200, body

    for n in range(50):
        await one(n)
    statements = [0]
    db = app.state.runtime.db

    def counted(*_: Any) -> None:
        statements[0] += 1

    for engine in {db.read_engine, db.write_engine}:
        event.listen(engine.sync_engine, "before_cursor_execute", counted)
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(count):
        await one(n)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    result = {
        "posts": count,
        "cpu_ms_per_post": round(cpu / count * 1000, 3),
        "wall_ms_per_post": round(wall / count * 1000, 3),
        # BEGIN and COMMIT included; `Database.rows` (the token cache's own
        # connection) is not counted.
        "statements_per_post": round(statements[0] / count, 2),
    }
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(count):
        await one(n)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(os.environ.get("WEFT_BENCH_SORT", "tottime")).print_stats(40)
    return result


def profile(count: int = 500) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_dir:
        data = Path(tmp_dir) / "data"
        data.mkdir()
        database_url = f"sqlite+aiosqlite:///{data / 'weft.sqlite3'}"
        migrate.upgrade(database_url)
        return asyncio.run(_profile_sends(database_url, data, count))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="the send path, in process")
    if parser.parse_args().profile:
        print(json.dumps({"load_average": os.getloadavg(), **profile()}, indent=2))
        raise SystemExit
    figures = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"chats-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nWrote {path.relative_to(ROOT)}")
