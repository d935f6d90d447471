"""Numbers about this server, for the instance entities and NodeInfo."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from weft.db.database import Database
from weft.models import Account, User


@dataclass(frozen=True)
class InstanceStats:
    users: int
    statuses: int
    domains: int
    contact: Account | None


async def instance_stats(db: Database) -> InstanceStats:
    async with db.read() as session:
        users = await session.scalar(select(func.count(User.id)).where(User.disabled.is_(False)))
        statuses = await session.scalar(
            select(func.coalesce(func.sum(Account.statuses_count), 0)).where(
                Account.domain.is_(None)
            )
        )
        domains = await session.scalar(
            select(func.count(func.distinct(Account.domain))).where(Account.domain.is_not(None))
        )
        contact = await session.scalar(
            select(Account)
            .join(User, User.account_id == Account.id)
            .where(User.role == "admin", User.disabled.is_(False))
            .order_by(User.id)
            .limit(1)
        )
    return InstanceStats(int(users or 0), int(statuses or 0), int(domains or 0), contact)
