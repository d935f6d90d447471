"""``make bench``: a real ``weft serve`` over loopback HTTP, on a seeded network.

On SQLite, and on PostgreSQL + Redis where they answer, it seeds 1,000 people
(plus 5 with 1,000 followers each) and 50,000 posts (bench/seed.py), then
measures with wrk (Debian's package; bench/load.py, an async client in its own
process, when wrk is missing):

- c0: a fixed, pre-rendered 20-post body through the same stack (the ceiling);
- a: GET /api/v1/timelines/home?limit=20, 32 clients, random people;
- b: POST /api/v1/statuses, 32 clients, random people;
- c: from a post by an account with 1,000 followers until it is in every
  follower's home timeline;
- the foundation's: instance, verify_credentials;
- media processing throughput (bench/media.py): photos and video;
- f, chats (bench/chats.py): messages per second into one chat and across
  1,000 chats, and the p99 from the POST to ``chat.message`` on the other
  member's socket.
- d and e, streaming (bench/streaming.py): 1,000 ``user`` streams receiving a
  post, and the memory of 5,000 idle WebSockets.

``WEFT_BENCH_SECONDS`` sets each load's length (10), ``WEFT_BENCH_WORKERS`` the
server's processes (1), ``WEFT_BENCH_ONLY`` (sqlite or postgresql) one backend
and no media. ``python -m bench.profile`` measures the CPU time of one request
in-process, which a busy machine disturbs far less.

Figures are printed and written to bench/results/ (ignored by git).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.fanout import fan_out_seconds
from bench.seed import Seeded, seed
from tests.backends import (
    REDIS_URL,
    create_postgres_database,
    drop_postgres_database,
    postgres_available,
    redis_available,
)
from tests.live import WeftProcess
from weft.db import migrate
from weft.db.database import Database
from weft.security import hash_password

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECONDS = float(os.environ.get("WEFT_BENCH_SECONDS", "10"))
# `weft serve` processes; c0 and a are always measured on the same server.
WORKERS = int(os.environ.get("WEFT_BENCH_WORKERS", "1"))
# "sqlite" or "postgresql": measure only that backend (and no media), for quick reruns.
ONLY = os.environ.get("WEFT_BENCH_ONLY", "")
CONCURRENCY = 32


def load(url: str, *, tokens: Path | None = None, body: str | None = None) -> dict[str, Any]:
    """Drive ``url`` for SECONDS with CONCURRENCY connections; figures as a dict."""
    env = dict(os.environ)
    if tokens:
        env["WEFT_BENCH_TOKENS"] = str(tokens)
    if body:
        env["WEFT_BENCH_BODY"] = body
    if shutil.which("wrk"):
        command = [
            "wrk",
            "-t2",
            f"-c{CONCURRENCY}",
            f"-d{int(SECONDS)}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            url,
        ]
        output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        result = json.loads(output.stdout.strip().splitlines()[-1])
        result["tool"] = "wrk"
        return result  # type: ignore[no-any-return]
    command = [
        sys.executable,
        "-m",
        "bench.load",
        url,
        "--concurrency",
        str(CONCURRENCY),
        "--seconds",
        str(SECONDS),
    ]
    output = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    result = json.loads(output.stdout)
    result["tool"] = "bench.load (install Debian's wrk for lighter load generation)"
    return result  # type: ignore[no-any-return]


async def _seed(database_url: str, base_url: str) -> Seeded:
    db = Database(database_url)
    try:
        password_hash = await hash_password("bench-password-1")
        return await seed(db, base_url, password_hash, random.Random(7))
    finally:
        await db.dispose()


def measure(name: str, env: dict[str, str], database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        database_url = database_url or f"sqlite+aiosqlite:///{tmp / 'data' / 'weft.sqlite3'}"
        ceiling = tmp / "ceiling.json"
        server = WeftProcess(
            {
                "WEFT_RATE_LIMITS": "false",
                "WEFT_DATABASE_URL": database_url,
                "WEFT_BENCH_CEILING_FILE": str(ceiling),
                "WEFT_WORKERS": str(WORKERS),
                **env,
            },
            tmp / "data",
        )
        migrate.upgrade(database_url)
        started = time.perf_counter()
        seeded = asyncio.run(_seed(database_url, server.url))
        seed_seconds = round(time.perf_counter() - started, 1)
        tokens = tmp / "tokens.txt"
        tokens.write_text("\n".join(seeded.tokens[p] for p in seeded.people) + "\n")
        server.start()
        try:
            return _scenarios(name, server.url, seeded, tokens, ceiling, database_url, env) | {
                "seed_seconds": seed_seconds
            }
        finally:
            server.stop()


def _scenarios(
    name: str,
    url: str,
    seeded: Seeded,
    tokens: Path,
    ceiling: Path,
    database_url: str,
    env: dict[str, str],
) -> dict[str, Any]:
    reader = {"Authorization": f"Bearer {seeded.tokens[seeded.people[0]]}"}
    home = httpx.get(f"{url}/api/v1/timelines/home?limit=20", headers=reader, timeout=30)
    home.raise_for_status()
    assert len(home.json()) == 20, "the seeded home timeline should be full"
    ceiling.write_bytes(home.content)
    result: dict[str, Any] = {}
    result["warm_up_seconds"] = asyncio.run(_warm_up(url, tokens))
    result["c0_ceiling"] = load(f"{url}/_bench/ceiling", tokens=tokens)
    result["a_home_timeline"] = load(f"{url}/api/v1/timelines/home?limit=20", tokens=tokens)
    result["a_vs_c0"] = round(result["a_home_timeline"]["rps"] / result["c0_ceiling"]["rps"], 3)
    result["b_post_status"] = load(
        f"{url}/api/v1/statuses", tokens=tokens, body="status=Benchmarking+Weft"
    )
    # The posts of b are still being fanned out: measure c on an idle queue.
    result["b_queue_drained_seconds"] = asyncio.run(_drain(database_url))
    star = seeded.celebrities[0]
    result["c_fan_out_1000"] = asyncio.run(
        fan_out_seconds(
            url, seeded.celebrity_tokens[star], star, database_url, env.get("WEFT_REDIS_URL")
        )
    )
    result["instance_v2"] = load(f"{url}/api/v2/instance")
    result["verify_credentials"] = load(f"{url}/api/v1/accounts/verify_credentials", tokens=tokens)
    print(f"\n== {name}")
    for key, value in result.items():
        print(f"  {key:<20} {value}")
    return result


async def _warm_up(url: str, tokens: Path) -> float:
    """Every reader reads home, as people who use Weft do (on Redis this builds
    their feeds); the load then measures reading, not first reads. With several
    server processes, more passes, so that each process has seen most readers."""
    started = time.perf_counter()
    passes = 2 * WORKERS - 1
    gate = asyncio.Semaphore(16)

    async def read(http: httpx.AsyncClient, token: str) -> None:
        async with gate:
            response = await http.get(
                "/api/v1/timelines/home?limit=20", headers={"Authorization": f"Bearer {token}"}
            )
            response.raise_for_status()

    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        names = await asyncio.to_thread(tokens.read_text)
        for _ in range(passes):
            await asyncio.gather(*(read(http, t) for t in names.split()))
    return round(time.perf_counter() - started, 1)


async def _drain(database_url: str, limit: float = 300) -> float:
    from sqlalchemy import func, select

    from weft.models import Job

    db = Database(database_url)
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < limit:
            async with db.read() as session:
                if not await session.scalar(select(func.count()).select_from(Job)):
                    break
            await asyncio.sleep(0.1)
    finally:
        await db.dispose()
    return round(time.perf_counter() - started, 1)


def _fresh_redis_db() -> str:
    """The benchmark's own Redis database (14; the tests use 15), emptied."""
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + "/14"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


def main() -> None:
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "seconds_per_load": SECONDS,
        "concurrency": CONCURRENCY,
        "server_processes": WORKERS,
        "load_average_at_start": os.getloadavg(),
    }
    if ONLY in ("", "sqlite"):
        results["sqlite"] = measure("SQLite, embedded", {}, None)
    if ONLY == "sqlite":
        pass
    elif postgres_available():
        database_url = create_postgres_database()
        env = {}
        if redis_available():
            env["WEFT_REDIS_URL"] = _fresh_redis_db()
        try:
            label = "PostgreSQL" + (" + Redis" if "WEFT_REDIS_URL" in env else "")
            results["postgresql"] = measure(label, env, database_url)
        finally:
            drop_postgres_database(database_url)
    else:
        print("\nPostgreSQL is not reachable: measured SQLite only.")
    if not ONLY:
        from bench import chats, media, streaming

        print("\n== Media processing")
        results["media"] = media.run()
        results["streaming"] = streaming.run()
        results["chats"] = chats.run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
