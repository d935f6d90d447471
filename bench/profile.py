"""In-process cost of one request: ``python -m bench.profile``.

Wall-clock load tests on a shared two-core machine are noisy; the CPU time a
request costs is not. This builds the app (no HTTP server, no embedded
worker), seeds the bench network once (kept in ``/tmp/weft-perf`` between
runs, SQLite; ``--postgres`` seeds a throwaway PostgreSQL database, with
Redis feeds when Redis answers), and calls the ASGI app directly, one request
at a time, for the ceiling route and the home timeline. It prints the CPU
milliseconds per request of each and their ratio; ``--profile`` adds a
cProfile listing of the home requests.

``--fan-out`` measures benchmark d's server side instead (issue 16), on
SQLite: one author and 1,000 followers, each with an open ``user`` stream in
the hub (no network: each socket's payload is rendered as the WebSocket's
sender renders it), a few posts, and for each the time from the fan-out
job's start to the first and the last socket's payload; ``--profile`` adds
a cProfile listing of the jobs and the renders.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from bench.seed import seed
from tests.backends import (
    REDIS_URL,
    create_postgres_database,
    drop_postgres_database,
    postgres_available,
    redis_available,
)
from weft.app import create_app
from weft.config import load_settings
from weft.db import migrate
from weft.db.database import Database
from weft.security import hash_password

CACHE = Path(tempfile.gettempdir()) / "weft-perf"
HOME = "/api/v1/timelines/home"


async def _seed(database_url: str) -> list[str]:
    db = Database(database_url)
    try:
        password_hash = await hash_password("bench-password-1")
        seeded = await seed(db, "http://127.0.0.1:8000", password_hash, random.Random(7))
    finally:
        await db.dispose()
    return [seeded.tokens[p] for p in seeded.people]


def prepare_sqlite() -> tuple[str, list[str]]:
    database = CACHE / "data" / "weft.sqlite3"
    tokens_file = CACHE / "tokens.json"
    url = f"sqlite+aiosqlite:///{database}"
    if not tokens_file.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        migrate.upgrade(url)
        tokens_file.write_text(json.dumps(asyncio.run(_seed(url))))
    return url, json.loads(tokens_file.read_text())


async def call(app: Any, path: str, query: str, token: str | None) -> tuple[int, bytes]:
    """One request straight into the ASGI app; its status and body."""
    headers = [(b"host", b"127.0.0.1:8000")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0
    body = bytearray()

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, bytes(body)


async def per_request(run: Callable[[int], Awaitable[None]], count: int) -> dict[str, float]:
    for n in range(min(50, count)):
        await run(n)
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(count):
        await run(n)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"cpu_ms": round(cpu / count * 1000, 3), "wall_ms": round(wall / count * 1000, 3)}


async def measure(
    database_url: str, redis_url: str | None, tokens: list[str], count: int, profile: bool
) -> dict[str, Any]:
    ceiling = CACHE / "ceiling.json"
    env = {
        "WEFT_DATABASE_URL": database_url,
        "WEFT_DATA_DIR": str(CACHE / "data"),
        "WEFT_RATE_LIMITS": "false",
        "WEFT_EMBEDDED_WORKERS": "0",
        "WEFT_BENCH_CEILING_FILE": str(ceiling),
        "WEFT_SECRET_KEY": "bench-profile",
    }
    if redis_url:
        env["WEFT_REDIS_URL"] = redis_url
    app = create_app(load_settings(env))
    status, body = await call(app, HOME, "limit=20", tokens[0])
    assert status == 200, (status, body[:200])
    assert len(json.loads(body)) == 20, "the seeded home timeline should be full"
    await asyncio.to_thread(ceiling.write_bytes, body)
    rng = random.Random(1)
    picks = [rng.choice(tokens) for _ in range(count + 50)]
    for token in tokens:  # every reader once (on Redis, builds the feeds)
        await call(app, HOME, "limit=20", token)

    async def home(n: int) -> None:
        status, _ = await call(app, HOME, "limit=20", picks[n])
        assert status == 200

    async def fixed(n: int) -> None:
        status, _ = await call(app, "/_bench/ceiling", "", picks[n])
        assert status == 200

    statements = [0]
    engines = {app.state.runtime.db.read_engine, app.state.runtime.db.write_engine}

    def counted(*_: Any) -> None:
        statements[0] += 1

    for engine in engines:
        event.listen(engine.sync_engine, "before_cursor_execute", counted)
    result: dict[str, Any] = {
        "c0_ceiling": await per_request(fixed, count),
        "a_home": await per_request(home, count),
    }
    # Statements of sessions (BEGIN and ROLLBACK included), over the warm-up and the
    # timed requests; those of `Database.rows` (its own connections) are not counted.
    result["a_home"]["statements"] = round(statements[0] / (count + min(50, count)), 2)
    result["c0_cpu_over_a_cpu"] = round(
        result["c0_ceiling"]["cpu_ms"] / result["a_home"]["cpu_ms"], 3
    )
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(count):
            await home(n)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    await app.state.runtime.close()
    return result


FAN_OUT_FOLLOWERS = 1000
FAN_OUT_POSTS = 5


async def fan_out_measure(
    database_url: str, data_dir: Path, posts: int, profile: bool
) -> dict[str, Any]:
    """Benchmark d's server side in one process (see the module's docstring)."""
    from bench.streaming import seed_followers
    from weft.actions.posts.post import Draft, post_status
    from weft.api.streaming.hub import Hub, Viewer
    from weft.api.streaming.render import render
    from weft.api.streaming.streams import parse_stream
    from weft.events import bus_for
    from weft.jobs.worker import Worker
    from weft.models import Account, OAuthAccessToken, User
    from weft.runtime import build_runtime

    await seed_followers(database_url, "http://127.0.0.1:8000", FAN_OUT_FOLLOWERS)
    env = {
        "WEFT_DATABASE_URL": database_url,
        "WEFT_DATA_DIR": str(data_dir),
        "WEFT_RATE_LIMITS": "false",
        "WEFT_EMBEDDED_WORKERS": "0",
        "WEFT_SECRET_KEY": "bench-profile",
    }
    settings = load_settings(env)
    rt = build_runtime(settings)
    hub = Hub(bus_for(None))
    await hub.start()
    async with rt.db.read() as session:
        author = await session.scalar(select(Account.id).where(Account.username == "author"))
        readers = (
            await session.execute(
                select(User.account_id, OAuthAccessToken.id)
                .join(OAuthAccessToken, OAuthAccessToken.user_id == User.id)
                .where(User.account_id != author)
            )
        ).all()
    assert author is not None
    assert len(readers) == FAN_OUT_FOLLOWERS
    loop = asyncio.get_running_loop()
    arrivals: list[float] = []
    everyone = asyncio.Event()  # set once every socket has its payload

    async def speak(socket: Any) -> None:  # as routes._Speaker does, without the send
        while (item := socket.take()) is not None:
            stream, event, shared = item
            payload = await render(rt, socket.viewer, stream, event, shared)
            if payload is not None:
                arrivals.append(time.perf_counter())
                if len(arrivals) == FAN_OUT_FOLLOWERS:
                    everyone.set()

    for account_id, token_id in readers:
        socket = hub.open(Viewer(account_id, token_id, frozenset({"read", "write"})))
        hub.subscribe(socket, parse_stream("user", {}, account_id))
        socket.wake = lambda socket=socket: loop.create_task(speak(socket))  # type: ignore[misc]
    profiler = cProfile.Profile()
    firsts, lasts, cpus = [], [], []
    for n in range(posts + 1):  # the first post warms up, and is not counted
        await post_status(rt.db, settings, author, Draft(f"to every stream, number {n}"))
        arrivals.clear()
        everyone.clear()
        cpu, started = time.process_time(), time.perf_counter()
        if n and profile:
            profiler.enable()
        await Worker(rt.db, settings).run_until_idle()
        async with asyncio.timeout(60):
            await everyone.wait()
        profiler.disable()
        if n:
            firsts.append(arrivals[0] - started)
            lasts.append(arrivals[-1] - started)
            cpus.append(time.process_time() - cpu)
    if profile:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
    await hub.stop()
    await rt.close()
    return {
        "streams": FAN_OUT_FOLLOWERS,
        "posts": posts,
        "first_payload_median_ms": round(statistics.median(firsts) * 1000, 1),
        "last_payload_median_ms": round(statistics.median(lasts) * 1000, 1),
        "cpu_per_post_median_ms": round(statistics.median(cpus) * 1000, 1),
    }


def fan_out_main(posts: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'weft.sqlite3'}"
        migrate.upgrade(url)
        print(json.dumps(asyncio.run(fan_out_measure(url, Path(tmp), posts, profile))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--fan-out", action="store_true", help="benchmark d's server side")
    parser.add_argument("--posts", type=int, default=FAN_OUT_POSTS)
    args = parser.parse_args()
    if args.fan_out:
        fan_out_main(args.posts, args.profile)
        return
    if not args.postgres:
        url, tokens = prepare_sqlite()
        print(json.dumps(asyncio.run(measure(url, None, tokens, args.requests, args.profile))))
        return
    if not postgres_available():
        raise SystemExit("PostgreSQL is not reachable on 127.0.0.1:5432")
    url = create_postgres_database()
    redis_url = None
    if redis_available():
        import redis

        redis_url = REDIS_URL.rsplit("/", 1)[0] + "/13"
        redis.Redis.from_url(redis_url).flushdb()
    try:
        migrate.upgrade(url)
        CACHE.mkdir(parents=True, exist_ok=True)
        tokens = asyncio.run(_seed(url))
        print(json.dumps(asyncio.run(measure(url, redis_url, tokens, args.requests, args.profile))))
    finally:
        drop_postgres_database(url)


if __name__ == "__main__":
    main()
