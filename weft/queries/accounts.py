"""Finding accounts: by id, by handle."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.errors import NotFound
from weft.models import Account


def is_shown(account: Account | None) -> bool:
    """Whether the client API shows this account: not suspended, and not this
    server's own instance actor (a local Application that signs fetches, not
    a person)."""
    if account is None or account.suspended_at is not None:
        return False
    return not (account.domain is None and account.actor_type == "Application")


async def get_account(db: Database, account_id: int) -> Account:
    async with db.read() as session:
        account = await session.get(Account, account_id)
    if account is None or not is_shown(account):
        raise NotFound()
    return account


async def lookup_account(db: Database, acct: str, local_domain: str) -> Account:
    """An account by ``user`` or ``user@domain`` (this server's domain means local)."""
    username, _, domain = acct.strip().lstrip("@").partition("@")
    if not username or "\x00" in acct:  # PostgreSQL refuses NUL in a query
        raise NotFound()
    if domain.lower() == local_domain.lower():
        domain = ""
    query = select(Account).where(func.lower(Account.username) == username.lower())
    if domain:
        query = query.where(func.lower(Account.domain) == domain.lower())
    else:
        query = query.where(Account.domain.is_(None))
    async with db.read() as session:
        account = await session.scalar(query)
    if account is None or not is_shown(account):
        raise NotFound()
    return account


async def moved_targets(session: AsyncSession, accounts: Iterable[Account]) -> dict[int, Account]:
    """Where the accounts that moved went (by the moved account's id), for the
    entity's ``moved``: one query, and none when nobody moved. A target that is
    not shown (suspended since) is left out."""
    wanted = {a.id: a.moved_to_account_id for a in accounts if a.moved_to_account_id}
    if not wanted:
        return {}
    found = await session.scalars(select(Account).where(Account.id.in_(set(wanted.values()))))
    targets = {t.id: t for t in found if is_shown(t)}
    return {origin: targets[target] for origin, target in wanted.items() if target in targets}


async def moved_target(db: Database, account: Account) -> Account | None:
    """Where ``account`` moved, if it did (see :func:`moved_targets`)."""
    if account.moved_to_account_id is None:
        return None
    async with db.read() as session:
        return (await moved_targets(session, [account])).get(account.id)


def parse_id(raw: str) -> int:
    """Ids travel as strings; anything that isn't one is simply not found."""
    # isascii: str.isdigit() also accepts '²' and other digits int() refuses.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        raise NotFound()
    value = int(raw)
    if value >= 2**63:  # beyond a BIGINT
        raise NotFound()
    return value
