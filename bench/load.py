"""A load generator that runs in its own process: N concurrent clients for T seconds.

Usage: python -m bench.load URL --concurrency 32 --seconds 10 [--header 'K: V'] [--method GET]
Prints one JSON object: requests, errors, rps, p50_ms, p99_ms.

As bench/wrk.lua does, each request carries a random person's token when
``WEFT_BENCH_TOKENS`` names a file of them (one a line), and
``WEFT_BENCH_BODY`` makes every request a form POST of that body with a
counter appended (so no two posts are the same).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

import httpx


async def _client(
    http: httpx.AsyncClient,
    args: argparse.Namespace,
    deadline: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            response = await http.request(**_next_request(args))
            ok = response.status_code < 400
        except httpx.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - started)
        if not ok:
            errors.append(1)


_TOKENS = (
    Path(os.environ["WEFT_BENCH_TOKENS"]).read_text().split()
    if os.environ.get("WEFT_BENCH_TOKENS")
    else []
)
_BODY = os.environ.get("WEFT_BENCH_BODY")
_COUNTER = itertools.count(1)


def _next_request(args: argparse.Namespace) -> dict[str, Any]:
    """The method, URL, headers and body of the next request (as bench/wrk.lua)."""
    headers = {"Authorization": f"Bearer {random.choice(_TOKENS)}"} if _TOKENS else {}
    if _BODY is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = f"{_BODY}+{next(_COUNTER)}"
        return {"method": "POST", "url": args.url, "headers": headers, "content": body}
    return {"method": args.method, "url": args.url, "headers": headers, "data": args.form or None}


async def run(args: argparse.Namespace) -> dict[str, float]:
    headers = dict(h.split(": ", 1) for h in args.header)
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    latencies: list[float] = []
    errors: list[int] = []
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as http:
        await http.request(**_next_request(args))  # warm up the connection and caches
        started = time.perf_counter()
        deadline = started + args.seconds
        await asyncio.gather(
            *(_client(http, args, deadline, latencies, errors) for _ in range(args.concurrency))
        )
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2) if ordered else 0.0,
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2) if ordered else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument(
        "--form", action="append", default=[], type=lambda s: tuple(s.split("=", 1))
    )
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
