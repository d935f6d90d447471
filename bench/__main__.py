"""``make bench``: measure a real ``weft serve`` over loopback HTTP.

Runs on SQLite, and on PostgreSQL + Redis where they answer. The load comes
from bench/load.py in its own process. Figures are printed and written to
bench/results/ (ignored by git); docs/performance.md records them with the
machine they ran on.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tests.backends import (
    REDIS_URL,
    create_postgres_database,
    drop_postgres_database,
    postgres_available,
    redis_available,
)
from tests.live import WeftProcess

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECONDS = float(os.environ.get("WEFT_BENCH_SECONDS", "10"))


def load(
    url: str,
    *,
    concurrency: int,
    seconds: float = SECONDS,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.load",
        url,
        "--concurrency",
        str(concurrency),
        "--seconds",
        str(seconds),
        "--method",
        method,
    ]
    for key, value in (headers or {}).items():
        command += ["--header", f"{key}: {value}"]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(output)  # type: ignore[no-any-return]


def signed_in(base: str) -> dict[str, str]:
    """An app, an account and a user token, made through the API."""
    with httpx.Client(base_url=base, timeout=30) as http:
        app = http.post(
            "/api/v1/apps",
            data={
                "client_name": "bench",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write follow",
            },
        ).json()
        creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
        app_token = http.post(
            "/oauth/token",
            data={**creds, "grant_type": "client_credentials", "scope": "read write"},
        ).json()["access_token"]
        token = http.post(
            "/api/v1/accounts",
            headers={"Authorization": f"Bearer {app_token}"},
            data={
                "username": "bench",
                "email": "bench@example.com",
                "password": "bench-password-1",
                "agreement": "true",
            },
        ).json()
        return {"Authorization": f"Bearer {token['access_token']}", **creds, "app_token": app_token}


def signups(base: str, app_token: str, count: int = 40) -> dict[str, Any]:
    """Sign-ups per second through the API (argon2 hashing dominates, by design)."""
    import asyncio

    async def run() -> float:
        async with httpx.AsyncClient(
            base_url=base, timeout=60, headers={"Authorization": f"Bearer {app_token}"}
        ) as http:
            started = time.perf_counter()
            responses = await asyncio.gather(
                *(
                    http.post(
                        "/api/v1/accounts",
                        data={
                            "username": f"user{n}",
                            "email": f"u{n}@example.com",
                            "password": "bench-password-1",
                            "agreement": "true",
                        },
                    )
                    for n in range(count)
                )
            )
            assert all(r.status_code == 200 for r in responses), [
                r.text for r in responses if r.status_code != 200
            ][:1]
            return time.perf_counter() - started

    elapsed = asyncio.run(run())
    return {"signups": count, "seconds": round(elapsed, 2), "per_second": round(count / elapsed, 1)}


def measure(name: str, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = WeftProcess({"WEFT_RATE_LIMITS": "false", **env}, Path(tmp)).start()
        try:
            auth = signed_in(server.url)
            headers = {"Authorization": auth["Authorization"]}
            result = {
                "instance_v2": load(f"{server.url}/api/v2/instance", concurrency=32),
                "verify_credentials": load(
                    f"{server.url}/api/v1/accounts/verify_credentials",
                    concurrency=32,
                    headers=headers,
                ),
                "signups": signups(server.url, auth["app_token"]),
            }
        finally:
            server.stop()
    print(f"\n== {name}")
    for key, value in result.items():
        print(f"  {key:<20} {value}")
    return result


def main() -> None:
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "host": socket.gethostname(),
        },
        "seconds_per_load": SECONDS,
    }
    results["sqlite"] = measure("SQLite, embedded", {})
    if postgres_available():
        url = create_postgres_database()
        env = {"WEFT_DATABASE_URL": url}
        if redis_available():
            env["WEFT_REDIS_URL"] = REDIS_URL
        try:
            results["postgresql"] = measure(
                "PostgreSQL" + (" + Redis" if redis_available() else ""), env
            )
        finally:
            drop_postgres_database(url)
    else:
        print("\nPostgreSQL is not reachable: measured SQLite only.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
