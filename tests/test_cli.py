"""The real ``weft`` command, run as a subprocess as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.helpers import query, register_app, request_token
from tests.backends import (
    REDIS_URL,
    create_postgres_database,
    drop_postgres_database,
    require_postgres,
    require_redis,
)
from tests.live import ROOT, LiveServer
from tests.openapi import assert_conforms
from weft.config import load_settings


def weft(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WEFT_")}
    environment.update({"WEFT_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [sys.executable, "-m", "weft.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def postgres_url() -> Iterator[str]:
    require_postgres()
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


def test_migrate_creates_the_sqlite_database(tmp_path: Path) -> None:
    out = ok(weft(tmp_path, "migrate"))
    assert f"Database is up to date (sqlite+aiosqlite:///{tmp_path}/weft.sqlite3)" in out
    assert (tmp_path / "weft.sqlite3").exists()
    # Running it again is harmless.
    ok(weft(tmp_path, "migrate"))


def test_createuser_then_sign_in(tmp_path: Path) -> None:
    ok(weft(tmp_path, "migrate"))
    out = ok(
        weft(
            tmp_path,
            "createuser",
            "Alice",
            "--email",
            "a@example.com",
            "--admin",
            "--password",
            "a long password",
        )
    )
    assert out.strip() == "Created admin @alice@127.0.0.1:8000."

    settings = load_settings({"WEFT_DATA_DIR": str(tmp_path)})
    server = LiveServer(settings.with_(rate_limits=False, embedded_workers=0)).start()
    try:
        with server.client() as http:
            app = register_app(http)
            response = request_token(
                http,
                app,
                grant_type="password",
                username="a@example.com",
                password="a long password",
                scope="read",
            )
            assert response.status_code == 200, response.text
            token = assert_conforms(response)["access_token"]
            me = http.get(
                "/api/v1/accounts/verify_credentials",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert me.status_code == 200
            body = assert_conforms(me)
            assert body["username"] == "alice"
            assert body["role"]["name"] == "Admin"
    finally:
        server.stop()


def test_createuser_refuses_a_taken_name(tmp_path: Path) -> None:
    ok(weft(tmp_path, "migrate"))
    ok(weft(tmp_path, "createuser", "bob", "--email", "b@example.com", "--password", "pw123456789"))
    result = weft(
        tmp_path, "createuser", "BOB", "--email", "c@example.com", "--password", "pw123456789"
    )
    assert result.returncode == 1
    assert "Error: Validation failed: username has already been taken" in result.stderr
    result = weft(tmp_path, "createuser", "carol", "--email", "nope", "--password", "pw123456789")
    assert result.returncode == 1
    assert "Error: Validation failed: email is invalid" in result.stderr


def test_createuser_works_with_registrations_closed_and_generates_a_password(
    tmp_path: Path,
) -> None:
    ok(weft(tmp_path, "migrate"))
    out = ok(
        weft(
            tmp_path,
            "createuser",
            "dave",
            "--email",
            "d@example.com",
            WEFT_REGISTRATIONS_OPEN="false",
        )
    )
    lines = out.strip().splitlines()
    assert lines[0] == "Created @dave@127.0.0.1:8000."
    assert lines[1].startswith("Password: ")
    assert len(lines[1].removeprefix("Password: ")) >= 12
    rows = query(
        f"sqlite+aiosqlite:///{tmp_path}/weft.sqlite3",
        "SELECT u.role, u.confirmed_at FROM users u JOIN accounts a ON a.id = u.account_id "
        "WHERE a.username = 'dave'",
    )
    assert rows[0][0] == "user"
    assert rows[0][1] is not None


def test_check_on_a_migrated_database(tmp_path: Path) -> None:
    ok(weft(tmp_path, "migrate"))
    out = ok(weft(tmp_path, "check", WEFT_BASE_URL="https://social.example"))
    assert "base URL            https://social.example" in out
    assert "domain              social.example" in out
    assert "redis               not set (embedded mode)" in out
    assert "server processes    1 (asyncio event loop)" in out
    assert "database check      ok: sqlite answers; schema is current" in out
    assert "FAILED" not in out


def test_check_without_migrations(tmp_path: Path) -> None:
    result = weft(tmp_path, "check")
    assert result.returncode == 1
    assert "database check      FAILED: schema is not current: run `weft migrate`" in result.stdout


def test_check_with_redis(tmp_path: Path) -> None:
    require_redis()
    ok(weft(tmp_path, "migrate"))
    out = ok(weft(tmp_path, "check", WEFT_REDIS_URL=REDIS_URL))
    assert f"redis               {REDIS_URL}" in out
    assert "redis check         ok: answers" in out


def test_check_with_a_redis_that_does_not_answer(tmp_path: Path) -> None:
    ok(weft(tmp_path, "migrate"))
    result = weft(tmp_path, "check", WEFT_REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 1
    assert "redis check         FAILED: ConnectionError" in result.stdout


def test_check_with_a_bad_database_url(tmp_path: Path) -> None:
    result = weft(tmp_path, "check", WEFT_DATABASE_URL="postgresql://nobody:secret@127.0.0.1:1/x")
    assert result.returncode == 1
    assert "database            postgresql+asyncpg://nobody:***@127.0.0.1:1/x" in result.stdout
    assert "database check      FAILED: " in result.stdout
    assert "secret" not in result.stdout


def test_bad_configuration_is_reported(tmp_path: Path) -> None:
    result = weft(tmp_path, "check", WEFT_PORT="eighty")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: WEFT_PORT must be a whole number, not 'eighty'"
    result = weft(tmp_path, "migrate", WEFT_DATABASE_URL="mysql://db/weft")
    assert result.returncode == 1
    assert "WEFT_DATABASE_URL must be a sqlite:// or postgresql:// URL" in result.stderr


def test_jobs_list(tmp_path: Path) -> None:
    ok(weft(tmp_path, "migrate"))
    out = ok(weft(tmp_path, "jobs", "list"))
    assert "pending: 0" in out
    result = weft(tmp_path, "jobs", "list", "--state", "bogus")
    assert result.returncode == 2
    assert "Invalid value for '--state'" in result.stderr


def test_migrate_and_createuser_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    out = ok(weft(tmp_path, "migrate", WEFT_DATABASE_URL=postgres_url))
    assert "Database is up to date (postgresql+asyncpg://" in out
    ok(
        weft(
            tmp_path,
            "createuser",
            "erin",
            "--email",
            "e@example.com",
            "--admin",
            "--password",
            "a long password",
            WEFT_DATABASE_URL=postgres_url,
        )
    )
    rows = query(
        postgres_url,
        "SELECT a.username, u.email, u.role FROM users u JOIN accounts a ON a.id = u.account_id",
    )
    assert rows == [("erin", "e@example.com", "admin")]
    out = ok(weft(tmp_path, "check", WEFT_DATABASE_URL=postgres_url))
    assert "database check      ok: postgresql answers; schema is current" in out
    assert not (tmp_path / "weft.sqlite3").exists()
