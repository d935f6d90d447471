"""Settings, read once from ``WEFT_*`` environment variables.

Every setting is documented in ``docs/configuration.md``; keep the two in step.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A WEFT_* variable holds a value Weft cannot use."""


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _int(
    env: Mapping[str, str], name: str, default: int, minimum: int = 0, maximum: int | None = None
) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, not {value}")
    return value


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    data_dir: Path = Path("data")
    database_url: str = ""
    redis_url: str | None = None
    secret_key: str = ""
    # Web push (RFC 8292): the server's VAPID private key, a P-256 scalar in
    # base64url; empty here means "the one kept in data_dir" (weft/push/vapid.py).
    vapid_private_key: str = ""
    instance_title: str = "Weft"
    instance_description: str = "A Weft server: open conversation, federated."
    contact_email: str = ""
    source_url: str = "https://github.com/weft-social/weft"
    registrations_open: bool = True
    # Who may sign up (docs/decisions/0043): open | approval | invite | closed.
    # The admin's choice on /admin/settings/registrations, once saved, wins.
    registrations_mode: str = "open"
    # Who may make invite links: users | admins.
    invites_by: str = "users"
    # Who sees /api/v1/instance/domain_blocks: disabled | users | all.
    show_domain_blocks: str = "users"
    require_email_confirmation: bool = False
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = ""
    smtp_tls: bool = False
    smtp_starttls: bool = False
    # Workers inside `weft serve`; 0 leaves the queue to `weft worker` processes.
    embedded_workers: int = 1
    # `weft serve` processes (uvicorn workers), each with its own node id.
    web_workers: int = 1
    # The event loop `weft serve` runs on: "asyncio" (the standard library's,
    # which serves connections in turn under load) or "uvloop" (docs/decisions/0021).
    event_loop: str = "asyncio"
    job_poll_seconds: float = 1.0
    job_lease_seconds: int = 300
    rate_limits: bool = True
    node_id: int = 0
    allow_private_network: bool = False
    edit_window_minutes: int = 15
    # Votes on our polls go to other servers at most once per poll in this many seconds.
    poll_results_seconds: int = 180
    # Federation: off, nothing is delivered to other servers (docs/federation.md).
    federation: bool = True
    # Signed GETs only: actors, collections and posts answer 401 to unsigned fetches.
    authorized_fetch: bool = False
    # A failed delivery is first retried after this many seconds, doubling each time.
    delivery_retry_seconds: int = 20
    # robots.txt: disallow every crawler everywhere (else only the private pages).
    robots_disallow_all: bool = False
    # Media files (weft/media/storage.py): "local" (under data_dir/media) or "s3".
    media_backend: str = "local"
    # Public URL the files are served from; default: this server's /system/media.
    media_url: str | None = None
    s3_endpoint: str | None = None
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    # Other servers' media, copied here (docs/federation.md, "Remote media"):
    # the largest file downloaded (photos are also held to 16 MB), and the time
    # one download may take.
    remote_media_max_bytes: int = 40 * 1024 * 1024
    remote_media_timeout_seconds: int = 60
    # Media processing in child processes (weft/media/children.py), per Weft
    # process: photos and videos at once, and the CPU seconds one video may take.
    media_photo_workers: int = 2
    media_video_workers: int = 1
    media_video_cpu_seconds: int = 600
    # make bench only: a file whose bytes GET /_bench/ceiling answers (the stack's ceiling).
    bench_ceiling_file: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def domain(self) -> str:
        """The host of the public URL: the domain in every handle."""
        return urlsplit(self.base_url).netloc

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_https(self) -> bool:
        return self.base_url.startswith("https://")

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_settings(env: Mapping[str, str] | None = None, *, create_secret: bool = True) -> Settings:
    """Build the settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    host = env.get("WEFT_HOST", "127.0.0.1")
    port = _int(env, "WEFT_PORT", 8000, minimum=1)
    base_url = env.get("WEFT_BASE_URL") or f"http://{host}:{port}"
    base_url = base_url.rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"WEFT_BASE_URL must be an http(s) URL, not {base_url!r}")
    data_dir = Path(env.get("WEFT_DATA_DIR", "data")).expanduser().absolute()
    database_url = (
        env.get("WEFT_DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'weft.sqlite3'}"
    )
    database_url = normalize_database_url(database_url)
    secret_key = env.get("WEFT_SECRET_KEY") or ""
    if not secret_key and create_secret:
        secret_key = _load_or_create_secret(data_dir)
    vapid_private_key = _vapid_key(env)
    if not vapid_private_key and create_secret:
        vapid_private_key = load_or_create_vapid_key(data_dir)
    smtp_from = env.get("WEFT_SMTP_FROM") or f"Weft <notifications@{parts.hostname}>"
    return Settings(
        host=host,
        port=port,
        base_url=base_url,
        data_dir=data_dir,
        database_url=database_url,
        redis_url=env.get("WEFT_REDIS_URL") or None,
        secret_key=secret_key,
        vapid_private_key=vapid_private_key,
        instance_title=env.get("WEFT_INSTANCE_TITLE", "Weft"),
        instance_description=env.get(
            "WEFT_INSTANCE_DESCRIPTION", "A Weft server: open conversation, federated."
        ),
        contact_email=env.get("WEFT_CONTACT_EMAIL", ""),
        source_url=env.get("WEFT_SOURCE_URL") or Settings.source_url,
        registrations_open=_bool(env, "WEFT_REGISTRATIONS_OPEN", True),
        registrations_mode=_choice(
            env, "WEFT_REGISTRATIONS_MODE", "open", ("open", "approval", "invite", "closed")
        ),
        invites_by=_choice(env, "WEFT_INVITES_BY", "users", ("users", "admins")),
        show_domain_blocks=_choice(
            env, "WEFT_SHOW_DOMAIN_BLOCKS", "users", ("disabled", "users", "all")
        ),
        require_email_confirmation=_bool(env, "WEFT_REQUIRE_EMAIL_CONFIRMATION", False),
        smtp_host=env.get("WEFT_SMTP_HOST", "127.0.0.1"),
        smtp_port=_int(env, "WEFT_SMTP_PORT", 25, minimum=1),
        smtp_username=env.get("WEFT_SMTP_USERNAME") or None,
        smtp_password=env.get("WEFT_SMTP_PASSWORD") or None,
        smtp_from=smtp_from,
        smtp_tls=_bool(env, "WEFT_SMTP_TLS", False),
        smtp_starttls=_bool(env, "WEFT_SMTP_STARTTLS", False),
        embedded_workers=_int(env, "WEFT_EMBEDDED_WORKERS", 1),
        web_workers=_int(env, "WEFT_WORKERS", 1, minimum=1),
        event_loop=_event_loop(env),
        job_poll_seconds=_int(env, "WEFT_JOB_POLL_MS", 1000, minimum=10) / 1000,
        job_lease_seconds=_int(env, "WEFT_JOB_LEASE_SECONDS", 300, minimum=1),
        rate_limits=_bool(env, "WEFT_RATE_LIMITS", True),
        # Ids keep 10 bits for the node: a larger value would wrap onto another node's.
        node_id=_int(env, "WEFT_NODE_ID", os.getpid() % 1024, maximum=1023),
        allow_private_network=_bool(env, "WEFT_ALLOW_PRIVATE_NETWORK", False),
        edit_window_minutes=_int(env, "WEFT_EDIT_WINDOW_MINUTES", 15),
        poll_results_seconds=_int(env, "WEFT_POLL_RESULTS_SECONDS", 180, minimum=0),
        federation=_bool(env, "WEFT_FEDERATION", True),
        authorized_fetch=_bool(env, "WEFT_AUTHORIZED_FETCH", False),
        delivery_retry_seconds=_int(env, "WEFT_DELIVERY_RETRY_SECONDS", 20, minimum=1),
        robots_disallow_all=_bool(env, "WEFT_ROBOTS_DISALLOW_ALL", False),
        remote_media_max_bytes=_int(
            env, "WEFT_REMOTE_MEDIA_MAX_BYTES", Settings.remote_media_max_bytes, minimum=1
        ),
        remote_media_timeout_seconds=_int(env, "WEFT_REMOTE_MEDIA_TIMEOUT", 60, minimum=1),
        media_photo_workers=_int(env, "WEFT_MEDIA_PHOTO_WORKERS", 2, minimum=1, maximum=64),
        media_video_workers=_int(env, "WEFT_MEDIA_VIDEO_WORKERS", 1, minimum=1, maximum=64),
        media_video_cpu_seconds=_int(env, "WEFT_MEDIA_VIDEO_CPU_SECONDS", 600, minimum=1),
        bench_ceiling_file=env.get("WEFT_BENCH_CEILING_FILE") or None,
        **_media_settings(env),
    )


def _vapid_key(env: Mapping[str, str]) -> str:
    key = (env.get("WEFT_VAPID_PRIVATE_KEY") or "").strip()
    if not key:
        return ""
    try:
        raw = base64.urlsafe_b64decode(key.rstrip("=") + "=" * (-len(key.rstrip("=")) % 4))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ConfigError(
            "WEFT_VAPID_PRIVATE_KEY must be a P-256 private key: 32 bytes in base64url"
        )
    return key


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, default).strip().lower() or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _event_loop(env: Mapping[str, str]) -> str:
    loop = env.get("WEFT_EVENT_LOOP", "asyncio").strip().lower() or "asyncio"
    if loop not in ("asyncio", "uvloop"):
        raise ConfigError(f"WEFT_EVENT_LOOP must be asyncio or uvloop, not {loop!r}")
    return loop


class _MediaSettings(TypedDict):
    media_backend: str
    media_url: str | None
    s3_endpoint: str | None
    s3_bucket: str
    s3_region: str
    s3_access_key: str | None
    s3_secret_key: str | None


def _media_settings(env: Mapping[str, str]) -> _MediaSettings:
    backend = env.get("WEFT_MEDIA_BACKEND", "local").strip().lower() or "local"
    if backend not in ("local", "s3"):
        raise ConfigError(f"WEFT_MEDIA_BACKEND must be local or s3, not {backend!r}")
    bucket = env.get("WEFT_S3_BUCKET", "")
    if backend == "s3" and not bucket:
        raise ConfigError("WEFT_MEDIA_BACKEND=s3 needs WEFT_S3_BUCKET")
    media_url = (env.get("WEFT_MEDIA_URL") or "").rstrip("/") or None
    return {
        "media_backend": backend,
        "media_url": media_url,
        "s3_endpoint": env.get("WEFT_S3_ENDPOINT") or None,
        "s3_bucket": bucket,
        "s3_region": env.get("WEFT_S3_REGION") or "us-east-1",
        "s3_access_key": env.get("WEFT_S3_ACCESS_KEY_ID") or None,
        "s3_secret_key": env.get("WEFT_S3_SECRET_ACCESS_KEY") or None,
    }


def normalize_database_url(url: str) -> str:
    """Accept the plain URLs people paste and pick the async driver for them."""
    for plain, async_ in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_ + url[len(plain) :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise ConfigError(
        f"WEFT_DATABASE_URL must be a sqlite:// or postgresql:// URL, not {url.split('://')[0]!r}"
    )


def _load_or_create_secret(data_dir: Path) -> str:
    """Keep a generated secret in the data folder so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must agree on one secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
    return secret


VAPID_KEY_FILE = "vapid_private_key"


def load_or_create_vapid_key(data_dir: Path) -> str:
    """The server's VAPID private key (web push, RFC 8292), generated into the
    data folder on first start and reused after, as the secret key is: every
    push subscription is bound to its public key, so it must not change."""
    path = data_dir / VAPID_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    from cryptography.hazmat.primitives.asymmetric import ec

    data_dir.mkdir(parents=True, exist_ok=True)
    scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    key = base64.urlsafe_b64encode(scalar.to_bytes(32, "big")).rstrip(b"=").decode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key
