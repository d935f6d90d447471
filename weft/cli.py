"""The ``weft`` command: serve, worker, migrate, createuser, check, jobs, domain-block."""

from __future__ import annotations

import asyncio
import getpass
import logging
import os
import secrets
import signal
import sys
from typing import Any

import click

from weft.config import ConfigError, Settings, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def _logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@click.group()
@click.version_option(package_name="weft")
def main() -> None:
    """Weft: an open, federated social network for public conversation."""


@main.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from weft.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    click.echo(f"Database is up to date ({_safe_url(settings.database_url)}).")


@main.command()
@click.option("--host", default=None, help="Listen address (default WEFT_HOST).")
@click.option("--port", default=None, type=int, help="Listen port (default WEFT_PORT).")
@click.option(
    "--migrate/--no-migrate",
    "run_migrations",
    default=True,
    help="Migrate the database before serving (default: yes).",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    help="Server processes (default WEFT_WORKERS, 1); each gets a node id of its own.",
)
def serve(host: str | None, port: int | None, run_migrations: bool, workers: int | None) -> None:
    """Serve the web app, the API and federation; runs embedded job workers."""
    import uvicorn

    from weft.api.streaming.front import StreamingFront
    from weft.app import create_app
    from weft.serving import PROTOCOL, WS_PROTOCOL

    settings = _settings()
    if run_migrations:
        from weft.db.migrate import upgrade

        upgrade(settings.database_url)
    _logging()
    workers = workers or settings.web_workers
    listen = f"http://{host or settings.host}:{port or settings.port}"
    click.echo(f"Weft is serving {settings.base_url} on {listen} ({workers} process(es))")
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": "info",
        "proxy_headers": True,
        "server_header": False,
        "loop": settings.event_loop,
        "http": PROTOCOL,
        "ws": WS_PROTOCOL,
        # No permessage-deflate on the streaming WebSocket: its frames are small
        # JSON, and each compressing socket holds zlib windows (tens of KB) for
        # its whole life; without them an idle socket costs a few KB
        # (benchmark e, docs/performance.md).
        "ws_per_message_deflate": False,
    }
    if workers == 1:
        app = create_app(settings)
        app.state.freeze_heap = True
        uvicorn.run(StreamingFront(app), **options)
    else:
        # Each process builds its own app (engines, pools, caches are per process).
        uvicorn.run("weft.cli:worker_app", factory=True, workers=workers, **options)


_held_node_locks: list[Any] = []


def worker_app() -> Any:
    """The app of one of several ``weft serve`` processes, with its own node id."""
    from weft.api.streaming.front import StreamingFront
    from weft.app import create_app

    settings = _settings()
    app = create_app(settings.with_(node_id=claim_node_id(settings)))
    app.state.freeze_heap = True
    return StreamingFront(app)


def claim_node_id(settings: Settings) -> int:
    """The first node id from ``settings.node_id`` up that no other process on
    this data folder holds, held (an exclusive lock on ``nodes/<id>.lock``)
    until this process ends, when a restarted worker may take it."""
    import fcntl

    from weft.db.ids import MAX_NODE

    folder = settings.data_dir / "nodes"
    folder.mkdir(parents=True, exist_ok=True)
    for offset in range(MAX_NODE + 1):
        node = (settings.node_id + offset) % (MAX_NODE + 1)
        handle = (folder / f"{node}.lock").open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _held_node_locks.append(handle)
        return node
    raise click.ClickException("Every node id is held by another process")


@main.command()
@click.option("--concurrency", default=8, show_default=True, help="Jobs run at once.")
@click.option("--once", is_flag=True, help="Run what is due, then exit.")
def worker(concurrency: int, once: bool) -> None:
    """Run jobs from the queue (any number of these may run, on any machine)."""
    from weft.db import ids
    from weft.db.database import Database
    from weft.events import bus_for
    from weft.federation.lookup import FederationLookup
    from weft.jobs.worker import Worker
    from weft.remote_lookup import install_remote_lookup

    settings = _settings()
    _logging()
    ids.configure(settings.node_id)
    install_remote_lookup(FederationLookup())
    # Live events the jobs make (fan-out, notifications) reach the `weft serve`
    # processes' sockets through Redis; without it, only this process hears them.
    bus_for(settings.redis_url)

    async def run() -> None:
        db = Database(settings.database_url)
        job_worker = Worker(db, settings, concurrency=concurrency)
        try:
            if once:
                count = await job_worker.run_until_idle(max_seconds=3600)
                click.echo(f"Ran {count} jobs.")
                return
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, job_worker.stop)
            await job_worker.run()
        finally:
            await db.dispose()

    asyncio.run(run())


@main.command()
@click.argument("username")
@click.option("--email", required=True, help="The person's email address.")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.option(
    "--password",
    default=None,
    help="The password (default: prompt, or generate one when not interactive).",
)
def createuser(username: str, email: str, admin: bool, password: str | None) -> None:
    """Create a confirmed account, even when registrations are closed."""
    from weft.actions.accounts import SignUp, register_account
    from weft.db.database import Database
    from weft.errors import WeftError

    settings = _settings()
    generated = False
    if password is None:
        if sys.stdin.isatty():
            password = getpass.getpass("Password: ")
        else:
            password, generated = secrets.token_urlsafe(12), True

    async def create() -> None:
        db = Database(settings.database_url)
        try:
            await register_account(
                db,
                settings,
                SignUp(
                    username=username,
                    email=email,
                    password=password or "",
                    role="admin" if admin else "user",
                    by_admin=True,
                ),
            )
        finally:
            await db.dispose()

    try:
        asyncio.run(create())
    except WeftError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {'admin ' if admin else ''}@{username.lower()}@{settings.domain}.")
    if generated:
        click.echo(f"Password: {password}")


@main.command()
def check() -> None:
    """Print the configuration in use and whether each backend answers."""
    settings = _settings()
    rows: list[tuple[str, Any]] = [
        ("base URL", settings.base_url),
        ("domain", settings.domain),
        ("listen", f"{settings.host}:{settings.port}"),
        ("server processes", f"{settings.web_workers} ({settings.event_loop} event loop)"),
        ("data folder", settings.data_dir),
        ("database", _safe_url(settings.database_url)),
        (
            "redis",
            _safe_url(settings.redis_url) if settings.redis_url else "not set (embedded mode)",
        ),
        (
            "registrations",
            f"{settings.registrations_mode if settings.registrations_open else 'closed'}"
            " (configured; an admin's choice on the web wins)",
        ),
        ("email confirmation", "required" if settings.require_email_confirmation else "off"),
        ("smtp", f"{settings.smtp_host}:{settings.smtp_port}"),
        ("embedded workers", settings.embedded_workers),
        ("rate limits", "on" if settings.rate_limits else "off"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name:<{width}}  {value}")
    results = asyncio.run(_probe(settings))
    failed = False
    for name, ok, detail in results:
        click.echo(f"{name:<{width}}  {'ok' if ok else 'FAILED'}: {detail}")
        failed = failed or not ok
    if failed:
        sys.exit(1)


async def _probe(settings: Settings) -> list[tuple[str, bool, str]]:
    from sqlalchemy import text

    from weft.db.database import Database
    from weft.db.migrate import current_heads, expected_heads

    results: list[tuple[str, bool, str]] = []
    db = Database(settings.database_url)
    try:
        async with db.read() as session:
            await session.execute(text("SELECT 1"))
        heads = await asyncio.to_thread(current_heads, settings.database_url)
        if heads == expected_heads():
            results.append(("database check", True, f"{db.dialect} answers; schema is current"))
        else:
            results.append(("database check", False, "schema is not current: run `weft migrate`"))
    except Exception as error:  # any failure to connect is the answer here
        results.append(("database check", False, f"{type(error).__name__}: {error}"))
    finally:
        await db.dispose()
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url, socket_connect_timeout=3, socket_timeout=3)
        try:
            await redis.ping()
            results.append(("redis check", True, "answers"))
        except Exception as error:
            results.append(("redis check", False, f"{type(error).__name__}: {error}"))
        finally:
            await redis.aclose()
    return results


@main.group()
def jobs() -> None:
    """Inspect the job queue and retry dead jobs."""


@jobs.command("list")
@click.option("--state", type=click.Choice(["pending", "running", "dead"]), default=None)
@click.option("--limit", default=50, show_default=True)
def jobs_list(state: str | None, limit: int) -> None:
    """List jobs, newest first."""
    from weft.db.database import Database
    from weft.jobs.admin import list_jobs, queue_stats

    settings = _settings()

    async def show() -> None:
        db = Database(settings.database_url)
        try:
            stats = await queue_stats(db)
            click.echo(", ".join(f"{k}: {v}" for k, v in sorted(stats.items())) or "queue is empty")
            for job in await list_jobs(db, state=state, limit=limit):
                error = (job.last_error or "").splitlines()[0][:80] if job.last_error else ""
                tries = f"tries {job.attempts}/{job.max_attempts}"
                click.echo(f"{job.id}  {job.state:<8} {job.kind:<24} {tries}  {error}")
        finally:
            await db.dispose()

    asyncio.run(show())


@jobs.command("retry")
@click.argument("job_id", required=False, type=int)
@click.option("--all-dead", is_flag=True, help="Retry every dead job.")
def jobs_retry(job_id: int | None, all_dead: bool) -> None:
    """Put a dead job (or all of them) back on the queue."""
    from weft.db.database import Database
    from weft.errors import WeftError
    from weft.jobs.admin import retry_all_dead, retry_job

    if job_id is None and not all_dead:
        raise click.UsageError("give a JOB_ID or --all-dead")
    settings = _settings()

    async def retry() -> str:
        db = Database(settings.database_url)
        try:
            if all_dead:
                return f"Retrying {await retry_all_dead(db)} dead jobs."
            assert job_id is not None
            job = await retry_job(db, job_id)
            return f"Job {job.id} ({job.kind}) is pending again."
        finally:
            await db.dispose()

    try:
        click.echo(asyncio.run(retry()))
    except WeftError as error:
        raise click.ClickException(error.message) from None


@main.group("domain-block")
def domain_block() -> None:
    """Block other servers (suspend or limit), lift blocks, list them."""


def _run_db(work: Any) -> Any:
    """Run ``work(db)`` against the configured database; WeftErrors become messages."""
    from weft.db.database import Database
    from weft.errors import WeftError

    settings = _settings()

    async def run() -> Any:
        db = Database(settings.database_url)
        try:
            return await work(db, settings)
        finally:
            await db.dispose()

    try:
        return asyncio.run(run())
    except WeftError as error:
        raise click.ClickException(error.message) from None


@domain_block.command("add")
@click.argument("domain")
@click.option(
    "--severity",
    type=click.Choice(["suspend", "limit", "silence"]),
    default="suspend",
    show_default=True,
)
@click.option("--reject-media", is_flag=True, help="Also refuse the server's media files.")
@click.option("--reject-reports", is_flag=True, help="Ignore reports from the server.")
@click.option("--comment", default="", help="Public comment (the reason, shown to people).")
@click.option("--private-comment", default="", help="Note for moderators only.")
def domain_block_add(
    domain: str,
    severity: str,
    reject_media: bool,
    reject_reports: bool,
    comment: str,
    private_comment: str,
) -> None:
    """Block DOMAIN and its subdomains."""
    from weft.actions.domain_blocks import DomainBlockForm, block_domain

    form = DomainBlockForm(severity, reject_media, reject_reports, comment, private_comment)
    block = _run_db(lambda db, settings: block_domain(db, settings, domain, form))
    click.echo(f"Blocked {block.domain} ({block.severity}).")


@domain_block.command("remove")
@click.argument("domain")
def domain_block_remove(domain: str) -> None:
    """Lift the block on DOMAIN."""
    from weft.actions.domain_blocks import unblock_domain_named

    block = _run_db(lambda db, settings: unblock_domain_named(db, settings, domain))
    click.echo(f"Lifted the block on {block.domain}.")


@domain_block.command("list")
def domain_block_list() -> None:
    """List blocked domains, newest first."""
    from weft.db.paging import Page
    from weft.queries.domain_blocks import list_domain_blocks

    blocks = _run_db(lambda db, settings: list_domain_blocks(db, Page(limit=10_000)))
    if not blocks:
        click.echo("No domain is blocked.")
    for block in blocks:
        wanted = (("reject media", block.reject_media), ("reject reports", block.reject_reports))
        flags = [name for name, on in wanted if on]
        extra = f"  ({', '.join(flags)})" if flags else ""
        note = f"  {block.public_comment}" if block.public_comment else ""
        click.echo(f"{block.domain:<40} {block.severity:<8}{extra}{note}")


def _safe_url(url: str | None) -> str:
    """A URL with its password hidden, for printing."""
    if not url:
        return ""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
