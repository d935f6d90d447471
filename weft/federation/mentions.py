"""Finding the people a post mentions on other servers before it is written.

A local post that names ``@bob@other.example`` must link and address Bob even
when nobody here has met him yet, as Mastodon's ``ProcessMentionsService``
does: the handle is resolved (WebFinger, then the actor document, through
``weft.federation.remote`` and so the guarded fetcher) and the account stored.
``weft.actions.posts`` (post and edit) call :func:`learn_mentioned` (through
``weft.remote_lookup``, which ``weft.federation.lookup`` provides) *before* its write
transaction, so no network wait ever holds the database's writer; the
transaction then finds the account as it finds any known one.

Resolution is best effort and bounded: at most :data:`MAX_UNKNOWN` unknown
handles per post, all together within :data:`TIME_LIMIT` seconds. A handle
that cannot be resolved in time (or at all, or on a suspended server) stays
plain text, and the post is published anyway.

Remote posts are read the same way (``weft.federation.remote_notes``): their
``Mention`` tags naming actors we do not know are fetched, the first
:data:`MAX_UNKNOWN` of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterable
from typing import Any

from sqlalchemy import func, select

from weft.config import Settings
from weft.db.database import Database
from weft.federation.remote import FetchBudget, RemoteError, fetch_account, resolve_handle
from weft.models import Account
from weft.text import mentions

log = logging.getLogger("weft.federation.mentions")

# Unknown handles looked up for one post, and how long posting may wait for them.
MAX_UNKNOWN = 5
TIME_LIMIT = 5.0


async def learn_mentioned(db: Database, settings: Settings, texts: Iterable[str]) -> int:
    """Resolve and store the unknown remote accounts ``texts`` mention; how many
    were found. Never raises for another server's failure."""
    if not settings.federation:
        return 0
    handles: dict[tuple[str, str], None] = {}
    for text in texts:
        for ref in mentions(text):
            name, domain = ref.key(settings.domain)
            if domain is not None:
                handles[(name, domain)] = None
    unknown = await _unknown(db, list(handles))
    return await _bounded(
        [resolve_handle(db, settings, f"{name}@{domain}") for name, domain in unknown[:MAX_UNKNOWN]]
    )


async def learn_actors(
    db: Database, settings: Settings, uris: list[str], budget: FetchBudget | None = None
) -> int:
    """Fetch the first :data:`MAX_UNKNOWN` of the actors ``uris`` that we do not
    know (a remote post's mentions), within ``budget``; how many were found."""
    if not uris:
        return 0
    async with db.read() as session:
        rows = await session.execute(
            select(Account.uri, Account.url).where(Account.uri.in_(uris) | Account.url.in_(uris))
        )
        known = {value for row in rows for value in row}
    wanted = [u for u in dict.fromkeys(uris) if u not in known][:MAX_UNKNOWN]
    shared = budget if budget is not None else FetchBudget()
    return await _bounded([fetch_account(db, settings, uri, budget=shared) for uri in wanted])


async def _unknown(db: Database, handles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if not handles:
        return []
    async with db.read() as session:
        rows = await session.execute(
            select(func.lower(Account.username), func.lower(Account.domain)).where(
                func.lower(Account.username).in_({name for name, _ in handles}),
                Account.domain.is_not(None),
            )
        )
        known = {(name, domain) for name, domain in rows}
    return [h for h in handles if h not in known]


async def _bounded(lookups: list[Coroutine[Any, Any, object]]) -> int:
    """Run the lookups together within ``TIME_LIMIT``; count the accounts found."""
    if not lookups:
        return 0
    tasks = [asyncio.ensure_future(lookup) for lookup in lookups]
    done, pending = await asyncio.wait(tasks, timeout=TIME_LIMIT)
    for task in pending:
        task.cancel()
    found = 0
    for task in done:
        error = task.exception()
        if error is None:
            found += isinstance(task.result(), Account)
        elif isinstance(error, RemoteError):
            log.info("a mentioned account could not be resolved: %s", error.message)
        else:
            raise error
    if pending:
        log.info("%d mentioned accounts not resolved within %g s", len(pending), TIME_LIMIT)
    return found
