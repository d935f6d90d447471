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
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
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
from weft.db import migrate

CHATS = 1000
ONE_CHAT_MESSAGES = 1000
CONCURRENCY = 16
SOCKETS = 100
PATIENCE = 60


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
        server.start()
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
            server.start()
            try:
                with _worker(server.env, tmp / "worker"):
                    return asyncio.run(measure(server.url, author, readers))
            finally:
                server.stop()
    finally:
        drop_postgres_database(database_url)


def run() -> dict[str, Any]:
    results: dict[str, Any] = {"load_average_at_start": os.getloadavg()}
    results["sqlite"] = run_sqlite()
    print("\n== Chats, SQLite (one weft serve)")
    for key, value in results["sqlite"].items():
        print(f"  {key:<14} {value}")
    if postgres_available() and redis_available():
        results["postgresql_redis"] = run_postgresql()
        print("\n== Chats, PostgreSQL + Redis (weft serve --workers 2)")
        for key, value in results["postgresql_redis"].items():
            print(f"  {key:<14} {value}")
    else:
        print("\nPostgreSQL or Redis is not reachable: chats measured on SQLite only.")
    results["load_average_at_end"] = os.getloadavg()
    return results


if __name__ == "__main__":
    figures = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"chats-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nWrote {path.relative_to(ROOT)}")
