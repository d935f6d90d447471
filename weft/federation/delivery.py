"""Delivering activities: who gets them, signing and POSTing, retries, server health.

Two jobs (registered in ``weft.jobs.handlers.delivery``):

- ``federation.publish`` (queued by ``weft.actions.outbox`` inside the
  local action's transaction) builds the activity
  (``weft.federation.outgoing``), works out the inboxes (followers' shared
  inboxes, once each, and the accounts concerned), leaves out suspended
  domains, and queues one ``federation.deliver`` per inbox.
- ``federation.deliver`` signs (draft-cavage, ``rsa-sha256`` over
  ``(request-target) host date digest``) and POSTs the activity through the
  guarded fetcher. 2xx is done; 4xx (but 401, 408, 429) and 501 are final
  and dropped; anything else (5xx, time-outs, refused connections) is tried
  again, ``delivery_retry_seconds`` doubling each time up to 12 hours, for
  8 days after the activity was published.

Each server's health is kept in ``federated_servers``: consecutive failures,
and, from the third one on, ``retry_after``: until then every delivery to it
is put back to that time without an HTTP attempt, so a dead server costs one
probe per pause instead of one time-out per delivery. The pause is half of how
long the server has been failing (at least the retry base, at most 6 hours);
a success clears it.

Retries are new jobs carrying ``attempt`` and ``since`` (when the activity was
published), so this module, not the queue's generic backoff, decides the
schedule; an unexpected error (a bug, the database away) still raises and is
retried by the queue. A delivery given up after 8 days is kept as a **dead**
``federation.deliver`` job (``last_error`` says why): ``weft jobs retry``
brings it back, and it then starts a fresh 8-day schedule.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.outbox import federating
from weft.config import Settings
from weft.db.database import Database
from weft.db.upsert import insert_ignore
from weft.federation.actors import ACTIVITY_JSON, actor_uri
from weft.federation.keys import ensure_key
from weft.federation.outgoing import Audience, build_activity
from weft.federation.signatures import sign_request
from weft.jobs.kinds import DELIVER
from weft.jobs.queue import enqueue
from weft.models import Account, Follow
from weft.models.base import utcnow
from weft.models.federation import FederatedServer
from weft.models.jobs import DEAD
from weft.net.fetch import (
    BadScheme,
    BlockedAddress,
    FetchError,
    Guard,
    HTTPStatus,
    check_url,
    fetch,
)
from weft.queries.domain_blocks import suspended_domains

log = logging.getLogger("weft.federation.delivery")

DELIVERY_TIMEOUT_SECONDS = 10.0  # connect and read, all together
RESPONSE_LIMIT = 64 * 1024
MAX_AGE = timedelta(days=8)
RETRY_CAP_SECONDS = 12 * 3600.0
# Consecutive failures after which a server is paused, and the longest pause.
PAUSE_AFTER_FAILURES = 3
PAUSE_CAP_SECONDS = 6 * 3600.0
# 401: the receiver may not have fetched our key yet; 408/429: come back later.
RETRYABLE_4XX = frozenset({401, 408, 429})


# --- recipients -------------------------------------------------------------------


def server_of(url: str) -> str:
    """The server an inbox belongs to: its host (and port, when not the default)."""
    return urlsplit(url).netloc.lower()


async def inboxes_for(session: AsyncSession, actor: Account, audience: Audience) -> list[str]:
    """The inboxes to deliver to, each once (a server's shared inbox stands for all
    its people); never a suspended domain, a suspended account, or a local one."""
    inbox = Account.shared_inbox_url, Account.inbox_url, Account.domain
    rows: list[tuple[str | None, str | None, str | None]] = []
    remote = (Account.domain.is_not(None), Account.suspended_at.is_(None))
    if audience.followers:
        followers = (
            select(*inbox)
            .join(Follow, Follow.account_id == Account.id)
            .where(Follow.target_account_id == actor.id, *remote)
        )
        rows.extend((r[0], r[1], r[2]) for r in await session.execute(followers))
    if audience.account_ids:
        chosen = select(*inbox).where(Account.id.in_(audience.account_ids), *remote)
        rows.extend((r[0], r[1], r[2]) for r in await session.execute(chosen))
    blocked = await suspended_domains(session)
    found: dict[str, None] = {}
    for shared, personal, domain in rows:
        url = shared or personal
        if not url or blocked.matches(domain or "") or blocked.matches(server_of(url)):
            continue
        found[url] = None
    return list(found)


# --- the publish job ------------------------------------------------------------------


async def publish_activity(db: Database, settings: Settings, payload: dict[str, Any]) -> int:
    """Build the activity ``payload`` describes and queue its deliveries; how many."""
    if not settings.federation:
        return 0
    async with db.read() as session:
        actor = await session.get(Account, int(payload["actor_id"]))
    if actor is None or not federating(actor):
        return 0
    actor = await ensure_key(db, actor)  # the Update of a profile carries the key
    async with db.read() as session:
        built = await build_activity(session, settings, actor, payload)
        if built is None:
            return 0
        activity, audience = built
        inboxes = await inboxes_for(session, actor, audience)
    if not inboxes:
        return 0
    since = utcnow().isoformat()
    async with db.write() as session:
        for inbox in inboxes:
            job = {"inbox": inbox, "activity": activity, "account_id": actor.id}
            enqueue(session, DELIVER, {**job, "attempt": 1, "since": since})
    log.info("%s %s: %d inboxes", activity["type"], activity["id"], len(inboxes))
    return len(inboxes)


# --- the deliver job ----------------------------------------------------------------


class Retry(Exception):
    """A delivery that may succeed later (the server is down, slow, or busy)."""


async def deliver(db: Database, settings: Settings, payload: dict[str, Any]) -> None:
    """Deliver one activity to one inbox (one attempt; a retry is a new job)."""
    inbox = str(payload["inbox"])
    server = server_of(inbox)
    now = utcnow()
    if payload.get("given_up"):  # an admin brought it back (weft jobs retry): start over
        payload = {**_without(payload, "given_up"), "attempt": 1, "since": now.isoformat()}
    since = datetime.fromisoformat(str(payload["since"]))
    if not settings.federation:
        log.warning("delivery to %s dropped: federation is off", inbox)
        return
    if now - since > MAX_AGE:
        async with db.write() as session:
            _give_up(session, payload, "too old")
        return
    async with db.read() as session:
        if (await suspended_domains(session)).matches(server):
            return
        health = await session.get(FederatedServer, server)
        actor = await session.get(Account, int(payload["account_id"]))
    if health is not None and health.retry_after is not None and health.retry_after > now:
        # The server is paused: wait for it without trying (the attempt is not used).
        spread = random.uniform(0, settings.delivery_retry_seconds)
        await _requeue(db, payload, health.retry_after + timedelta(seconds=spread))
        return
    if actor is None or not federating(actor):
        return  # the person turned their switch off (or is gone) since
    try:
        reached = await _post(settings, await ensure_key(db, actor), inbox, payload["activity"])
    except Retry as error:
        await _failed(db, settings, payload, server, str(error))
        return
    if reached:
        await _succeeded(db, server)


async def _post(settings: Settings, actor: Account, inbox: str, activity: Any) -> bool:
    """POST ``activity`` to ``inbox``, signed. Raises Retry; otherwise the delivery is
    done or dropped for good, and the answer says whether the server answered."""
    assert actor.private_key_pem is not None
    try:
        # Before signing, which must parse the URL (0177.0.0.1 is one it cannot).
        check_url(inbox, Guard.for_settings(settings))
    except (BadScheme, BlockedAddress) as error:
        log.warning("delivery to %s impossible: %s", inbox, error.reason)
        return False
    body = json.dumps(activity, separators=(",", ":")).encode()
    headers = {"Content-Type": ACTIVITY_JSON}
    headers.update(
        sign_request(
            "POST",
            inbox,
            headers,
            body,
            key_id=f"{actor_uri(actor, settings)}#main-key",
            private_key_pem=actor.private_key_pem,
        )
    )
    try:
        result = await fetch(
            inbox,
            settings=settings,
            max_bytes=RESPONSE_LIMIT,
            timeout=DELIVERY_TIMEOUT_SECONDS,
            accept=ACTIVITY_JSON,
            method="POST",
            headers=headers,
            content=body,
            follow_redirects=False,
        )
    except HTTPStatus as error:
        if _final(error.status):
            log.warning("delivery to %s refused (HTTP %d): dropped", inbox, error.status)
            return True
        raise Retry(f"HTTP {error.status}") from None
    except (BadScheme, BlockedAddress) as error:
        log.warning("delivery to %s impossible: %s", inbox, error.reason)
        return False
    except FetchError as error:
        raise Retry(error.reason) from None
    if not 200 <= result.status < 300:
        # A redirect: the signature names this URL, so following it cannot work.
        log.warning("delivery to %s answered HTTP %d: dropped", inbox, result.status)
    return True


def _final(status: int) -> bool:
    """Whether an error status means "never": most 4xx, and 501 Not Implemented."""
    return status == 501 or (400 <= status < 500 and status not in RETRYABLE_4XX)


def retry_delay(settings: Settings, attempt: int) -> float:
    """Seconds before the attempt after ``attempt`` failed ones: the base doubling,
    capped at 12 hours, a random point in the upper half of the step."""
    step = min(RETRY_CAP_SECONDS, settings.delivery_retry_seconds * 2.0 ** min(attempt - 1, 32))
    return step / 2 + random.uniform(0, step / 2)


def pause_seconds(settings: Settings, failing_for: timedelta) -> float:
    """How long a failing server is left alone: half of how long it has been failing."""
    return min(
        PAUSE_CAP_SECONDS,
        max(float(settings.delivery_retry_seconds), failing_for.total_seconds() / 2),
    )


async def _failed(
    db: Database, settings: Settings, payload: dict[str, Any], server: str, error: str
) -> None:
    attempt = int(payload.get("attempt", 1))
    run_at = utcnow() + timedelta(seconds=retry_delay(settings, attempt))
    since = datetime.fromisoformat(str(payload["since"]))
    log.info("delivery to %s failed (attempt %d): %s", payload["inbox"], attempt, error)
    async with db.write() as session:
        await _record_failure(session, settings, server, error)
        if run_at - since <= MAX_AGE:
            enqueue(session, DELIVER, {**payload, "attempt": attempt + 1}, run_at=run_at)
        else:
            _give_up(session, payload, error)


def _give_up(session: AsyncSession, payload: dict[str, Any], error: str) -> None:
    """Keep a delivery that ran out of time as a dead job, for the admin to see
    (``weft jobs list --state dead``) and bring back (``weft jobs retry``)."""
    attempts = int(payload.get("attempt", 1))
    reason = f"given up after {attempts} attempts since {payload['since']}: {error}"
    log.warning("delivery to %s %s", payload["inbox"], reason)
    job = enqueue(session, DELIVER, {**payload, "given_up": True})
    job.state, job.dead_at, job.last_error = DEAD, utcnow(), reason[:1000]


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


async def _requeue(db: Database, payload: dict[str, Any], run_at: datetime) -> None:
    async with db.write() as session:
        enqueue(session, DELIVER, payload, run_at=run_at)


async def _ensure_server(session: AsyncSession, server: str) -> None:
    await insert_ignore(session, FederatedServer, {"domain": server, "created_at": utcnow()})


async def _record_failure(
    session: AsyncSession, settings: Settings, server: str, error: str
) -> None:
    now = utcnow()
    await _ensure_server(session, server)
    await session.execute(
        update(FederatedServer)
        .where(FederatedServer.domain == server)
        .values(failures=FederatedServer.failures + 1, last_failure_at=now, last_error=error[:1000])
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(FederatedServer)
        .where(FederatedServer.domain == server, FederatedServer.first_failure_at.is_(None))
        .values(first_failure_at=now)
        .execution_options(synchronize_session=False)
    )
    row = await session.scalar(
        select(FederatedServer)
        .where(FederatedServer.domain == server)
        .execution_options(populate_existing=True)
    )
    if row is not None and row.failures >= PAUSE_AFTER_FAILURES:
        failing_for = now - (row.first_failure_at or now)
        row.retry_after = now + timedelta(seconds=pause_seconds(settings, failing_for))


async def _succeeded(db: Database, server: str) -> None:
    """The server answered: it is healthy again (one write only when it was not)."""
    async with db.read() as session:
        row = await session.get(FederatedServer, server)
    if (
        row is not None
        and row.failures == 0
        and row.last_success_at is not None
        and (utcnow() - row.last_success_at < timedelta(minutes=5))
    ):
        return
    async with db.write() as session:
        await _ensure_server(session, server)
        await session.execute(
            update(FederatedServer)
            .where(FederatedServer.domain == server)
            .values(
                failures=0,
                first_failure_at=None,
                retry_after=None,
                last_error=None,
                last_success_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
