"""Settings from WEFT_* variables: defaults, normalization, and bad values."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from weft.config import ConfigError, load_settings, normalize_database_url


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"WEFT_DATA_DIR": str(tmp_path / "data"), **values}


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    data = (tmp_path / "data").absolute()
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.domain == "127.0.0.1:8000"
    assert settings.data_dir == data
    assert settings.database_url == f"sqlite+aiosqlite:///{data / 'weft.sqlite3'}"
    assert settings.is_sqlite
    assert settings.redis_url is None
    assert settings.registrations_open is True
    assert settings.require_email_confirmation is False
    assert settings.rate_limits is True
    assert settings.embedded_workers == 1
    assert settings.event_loop == "asyncio"
    assert settings.smtp_from == "Weft <notifications@127.0.0.1>"
    assert 0 <= settings.node_id <= 1023


def test_base_url_follows_host_and_port(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, WEFT_HOST="0.0.0.0", WEFT_PORT="9000"))  # noqa: S104
    assert settings.base_url == "http://0.0.0.0:9000"
    assert settings.port == 9000


def test_explicit_base_url_sets_the_domain(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, WEFT_BASE_URL="https://social.example/"))
    assert settings.base_url == "https://social.example"
    assert settings.domain == "social.example"
    assert settings.is_https
    assert settings.smtp_from == "Weft <notifications@social.example>"


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings(env(tmp_path))
    path = tmp_path / "data" / "secret_key"
    assert path.exists()
    assert len(first.secret_key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first.secret_key
    second = load_settings(env(tmp_path))
    assert second.secret_key == first.secret_key
    other = load_settings({"WEFT_DATA_DIR": str(tmp_path / "other")})
    assert other.secret_key != first.secret_key


def test_given_secret_key_is_used_and_nothing_written(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, WEFT_SECRET_KEY="s3cret"))
    assert settings.secret_key == "s3cret"
    assert not (tmp_path / "data" / "secret_key").exists()


def test_no_secret_created_when_not_asked(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path), create_secret=False)
    assert settings.secret_key == ""
    assert not (tmp_path / "data").exists()


def test_vapid_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings(env(tmp_path))
    path = tmp_path / "data" / "vapid_private_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first.vapid_private_key
    assert len(base64.urlsafe_b64decode(first.vapid_private_key + "=")) == 32
    assert load_settings(env(tmp_path)).vapid_private_key == first.vapid_private_key
    other = load_settings({"WEFT_DATA_DIR": str(tmp_path / "other")})
    assert other.vapid_private_key != first.vapid_private_key


def test_given_vapid_key_is_used_and_checked(tmp_path: Path) -> None:
    key = base64.urlsafe_b64encode(bytes(range(1, 33))).decode().rstrip("=")
    settings = load_settings(env(tmp_path, WEFT_VAPID_PRIVATE_KEY=key))
    assert settings.vapid_private_key == key
    assert not (tmp_path / "data" / "vapid_private_key").exists()
    with pytest.raises(ConfigError, match="WEFT_VAPID_PRIVATE_KEY must be a P-256 private key"):
        load_settings(env(tmp_path, WEFT_VAPID_PRIVATE_KEY="c2hvcnQ"))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/weft", "postgresql+asyncpg://u:p@db:5432/weft"),
        ("postgresql://u@db/weft", "postgresql+asyncpg://u@db/weft"),
        ("postgresql+asyncpg://u@db/weft", "postgresql+asyncpg://u@db/weft"),
        ("sqlite:////var/lib/weft.db", "sqlite+aiosqlite:////var/lib/weft.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_url_normalization(tmp_path: Path, given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected
    settings = load_settings(env(tmp_path, WEFT_DATABASE_URL=given))
    assert settings.database_url == expected


def test_redis_url(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, WEFT_REDIS_URL="redis://cache:6379/2"))
    assert settings.redis_url == "redis://cache:6379/2"
    assert load_settings(env(tmp_path, WEFT_REDIS_URL="")).redis_url is None


def test_event_loop_may_be_uvloop(tmp_path: Path) -> None:
    assert load_settings(env(tmp_path, WEFT_EVENT_LOOP=" UVLoop ")).event_loop == "uvloop"


@pytest.mark.parametrize(
    ("raw", "value"), [("true", True), ("1", True), ("ON", True), ("no", False), ("0", False)]
)
def test_booleans(tmp_path: Path, raw: str, value: bool) -> None:
    settings = load_settings(env(tmp_path, WEFT_REGISTRATIONS_OPEN=raw, WEFT_RATE_LIMITS=raw))
    assert settings.registrations_open is value
    assert settings.rate_limits is value


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WEFT_PORT", "eighty", "WEFT_PORT must be a whole number, not 'eighty'"),
        ("WEFT_PORT", "0", "WEFT_PORT must be at least 1, not 0"),
        ("WEFT_SMTP_PORT", "2.5", "WEFT_SMTP_PORT must be a whole number, not '2.5'"),
        ("WEFT_EMBEDDED_WORKERS", "-1", "WEFT_EMBEDDED_WORKERS must be at least 0, not -1"),
        ("WEFT_JOB_POLL_MS", "5", "WEFT_JOB_POLL_MS must be at least 10, not 5"),
        ("WEFT_NODE_ID", "1024", "WEFT_NODE_ID must be at most 1023, not 1024"),
        ("WEFT_NODE_ID", "-3", "WEFT_NODE_ID must be at least 0, not -3"),
        (
            "WEFT_REGISTRATIONS_OPEN",
            "maybe",
            "WEFT_REGISTRATIONS_OPEN must be true or false, not 'maybe'",
        ),
        ("WEFT_RATE_LIMITS", "enabled", "WEFT_RATE_LIMITS must be true or false, not 'enabled'"),
        ("WEFT_EVENT_LOOP", "trio", "WEFT_EVENT_LOOP must be asyncio or uvloop, not 'trio'"),
        (
            "WEFT_BASE_URL",
            "social.example",
            "WEFT_BASE_URL must be an http(s) URL, not 'social.example'",
        ),
        (
            "WEFT_BASE_URL",
            "ftp://social.example",
            "WEFT_BASE_URL must be an http(s) URL, not 'ftp://social.example'",
        ),
        (
            "WEFT_DATABASE_URL",
            "mysql://db/weft",
            "WEFT_DATABASE_URL must be a sqlite:// or postgresql:// URL, not 'mysql'",
        ),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(env(tmp_path, **{name: value}))
    assert str(error.value) == message
