"""A profile page's account: found by handle, gone when suspended."""

from __future__ import annotations

from sqlalchemy import func, select

from weft.db.database import Database
from weft.errors import Gone, NotFound
from weft.models import Account
from weft.queries.accounts import is_shown

SUSPENDED = "This account has been suspended."


async def find_profile(db: Database, acct: str, local_domain: str) -> Account:
    """The account ``user`` or ``user@domain`` names (this server's domain means local).

    Unknown accounts (and the instance actor) are NotFound; suspended ones are
    Gone, so a profile page can say the account existed.
    """
    username, _, domain = acct.strip().lstrip("@").partition("@")
    if not username or "\x00" in acct:
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
    if account is not None and account.suspended_at is not None:
        raise Gone(SUSPENDED)
    if account is None or not is_shown(account):
        raise NotFound()
    return account
