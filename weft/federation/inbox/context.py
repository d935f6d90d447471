"""What every inbox handler gets: the activity, its (verified) actor, and helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from weft.config import Settings
from weft.db.database import Database
from weft.federation import jsonld
from weft.federation.remote import FetchBudget, host_of
from weft.models import Account, Status


@dataclass(frozen=True)
class Inbound:
    db: Database
    settings: Settings
    activity: dict[str, Any]
    actor: Account  # the signer, who is the activity's actor
    # What the activity may make us fetch in all (its object, parents, quotes, ...).
    budget: FetchBudget = field(default_factory=FetchBudget)

    @property
    def id(self) -> str:
        return str(self.activity["id"])

    @property
    def object_id(self) -> str | None:
        return jsonld.first_id(self.activity.get("object"))

    @property
    def embedded(self) -> dict[str, Any] | None:
        """The object when it is embedded (not just an id)."""
        found = self.activity.get("object")
        return found if isinstance(found, dict) else None

    def same_origin(self, uri: str | None) -> bool:
        """Whether ``uri`` is on the actor's own server (so the actor may speak for it)."""
        return (
            uri is not None
            and self.actor.uri is not None
            and (host_of(uri) == host_of(self.actor.uri))
        )

    async def local_account(self, uri: str | None) -> Account | None:
        """One of our (unsuspended) accounts by actor id or profile URL."""
        if uri is None or host_of(uri) != self.settings.domain.lower():
            return None
        async with self.db.read() as session:
            account = await session.scalar(
                select(Account).where(
                    (Account.uri == uri) | (Account.url == uri), Account.domain.is_(None)
                )
            )
        return account if account is not None and account.suspended_at is None else None

    async def status_by_uri(self, uri: str | None) -> Status | None:
        if uri is None:
            return None
        async with self.db.read() as session:
            return await session.scalar(select(Status).where(Status.uri == uri))


Handler = Callable[[Inbound], Awaitable[str]]
