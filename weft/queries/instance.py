"""Numbers about this server, for the instance entities and NodeInfo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from weft.db.database import Database
from weft.models import Account, User
from weft.models.base import utcnow


@dataclass(frozen=True)
class InstanceStats:
    users: int
    statuses: int
    domains: int
    contact: Account | None
    active_month: int  # people who signed in or posted within 30 days


async def instance_stats(db: Database) -> InstanceStats:
    async with db.read() as session:
        users = await session.scalar(select(func.count(User.id)).where(User.disabled.is_(False)))
        active = await session.scalar(people().where(active_since(utcnow() - timedelta(days=30))))
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
    return InstanceStats(
        int(users or 0), int(statuses or 0), int(domains or 0), contact, int(active or 0)
    )


def people() -> Any:
    """Counts the people who can sign in."""
    return (
        select(func.count(User.id))
        .join(Account, Account.id == User.account_id)
        .where(User.disabled.is_(False), Account.suspended_at.is_(None))
    )


def active_since(when: datetime) -> Any:
    """Signed in or posted since ``when``."""
    return or_(User.last_sign_in_at >= when, Account.last_status_at >= when)
