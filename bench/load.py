"""A load generator that runs in its own process: N concurrent clients for T seconds.

Usage: python -m bench.load URL --concurrency 32 --seconds 10 [--header 'K: V'] [--method GET]
Prints one JSON object: requests, errors, rps, p50_ms, p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

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
            response = await http.request(args.method, args.url, data=args.form or None)
            ok = response.status_code < 400
        except httpx.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - started)
        if not ok:
            errors.append(1)


async def run(args: argparse.Namespace) -> dict[str, float]:
    headers = dict(h.split(": ", 1) for h in args.header)
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    latencies: list[float] = []
    errors: list[int] = []
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as http:
        await http.request(args.method, args.url)  # warm up the connection and caches
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
