"""Verified bearer tokens, remembered for a few seconds in each process.

Checking a token costs a database round trip (token, app, person, account),
more than the rest of a cached read. Hot read routes (the home timeline) ask
:func:`cached_viewer` instead: a verdict found here skips the database.

What is remembered is only a verdict, a :class:`Viewer` (ids and scopes), never
ORM objects, and only a positive one. It is forgotten:

- after ``TTL_SECONDS``, or when the token expires, whichever comes first;
- in this process, at once, when any transaction commits a change that could
  turn a verdict: a token or app row updated or deleted (revocation, refresh
  rotation), a person's row updated or deleted (disabled, confirmed, password),
  an account deleted or its ``suspended_at`` set. Only ``last_used_at`` and
  ``last_sign_in_at``, written on use, are let through. Session events watch ORM
  flushes and ORM-enabled ``update()``/``delete()`` statements, which is how
  every action writes these tables;
- in other processes (more ``weft serve`` workers, ``weft worker``), only by
  the TTL: a revoked token may still read for up to ``TTL_SECONDS`` there.

A generation counter closes the race of a request that read the database
before a revocation committed and stores its verdict after: the store is
refused because the generation moved. See docs/decisions/0016.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from weft.models import Account, OAuthAccessToken, OAuthApplication, User
from weft.models.base import utcnow

TTL_SECONDS = 5.0
MAX_ENTRIES = 20_000
_STALE = "weft.token_cache_stale"
_WATCHED = (OAuthAccessToken, OAuthApplication, User)
# Columns of the watched tables whose change turns no verdict (bookkeeping
# written on use; clearing every verdict on each would empty the cache hourly
# per person). Accounts turn verdicts only through ``suspended_at``.
_HARMLESS: dict[str, set[str]] = {
    OAuthAccessToken.__tablename__: {"last_used_at"},
    User.__tablename__: {"last_sign_in_at"},
    OAuthApplication.__tablename__: set(),
}


@dataclass(frozen=True)
class Viewer:
    """Who a verified token speaks for (a person's token: app tokens are not cached)."""

    token_id: int
    account_id: int
    user_id: int
    scopes: frozenset[str]


class TokenCache:
    """Token hash -> (Viewer, monotonic deadline), cleared by :func:`invalidate_all`."""

    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.generation = 0
        self._entries: dict[str, tuple[Viewer, float]] = {}
        self._lock = threading.Lock()
        _caches.add(self)

    def get(self, hashed: str) -> Viewer | None:
        entry = self._entries.get(hashed)
        if entry is None:
            return None
        if entry[1] <= time.monotonic():
            self._entries.pop(hashed, None)
            return None
        return entry[0]

    def put(
        self, hashed: str, viewer: Viewer, generation: int, expires_at: datetime | None
    ) -> None:
        """Remember ``viewer`` unless the cache was cleared since ``generation``."""
        lifetime = self.ttl
        if expires_at is not None:
            lifetime = min(lifetime, (expires_at - utcnow()).total_seconds())
        deadline = time.monotonic() + lifetime
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[hashed] = (viewer, deadline)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()


_caches: weakref.WeakSet[TokenCache] = weakref.WeakSet()


def invalidate_all() -> None:
    """Forget every verdict in this process (every app's cache)."""
    for cache in list(_caches):
        cache.clear()


def _mark(session: Session) -> None:
    session.info[_STALE] = True
    # Also now: a reader in this process may not use a verdict being revoked.
    invalidate_all()


def _turns(table: str, columns: set[str] | None, *, deleted: bool) -> bool:
    """Could deleting rows of ``table``, or setting ``columns`` (None: unknown), turn a verdict?"""
    if table == Account.__tablename__:
        return deleted or columns is None or "suspended_at" in columns
    if table not in _HARMLESS:
        return False
    return deleted or columns is None or bool(columns - _HARMLESS[table])


def _changed(instance: Any) -> set[str]:
    return {a.key for a in inspect(instance).attrs if a.history.has_changes()}


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    watched = (*_WATCHED, Account)
    dirty = (o for o in session.dirty if isinstance(o, watched))
    if any(_turns(o.__tablename__, _changed(o), deleted=False) for o in dirty) or any(
        _turns(o.__tablename__, None, deleted=True)
        for o in session.deleted
        if isinstance(o, watched)
    ):
        _mark(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name is None:
        return
    values = getattr(state.statement, "_values", None)
    columns = {str(getattr(k, "key", k)) for k in values} if values else None
    if _turns(name, columns, deleted=state.is_delete):
        _mark(state.session)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_STALE, False):
        invalidate_all()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_STALE, None)
