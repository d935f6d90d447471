"""Closing the sockets of tokens that no longer hold: every few seconds the
hub's tokens are read again (one query for all of them) and judged by
``token_verdict``, as every REST call judges its token. Revoked, expired,
deleted, a person disabled or suspended: their sockets close."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select

from weft.api.streaming.hub import REVOKED, Hub
from weft.api.token_verdict import TokenFacts, token_verdict
from weft.models import Account, OAuthAccessToken, User
from weft.models.base import utcnow
from weft.runtime import Runtime

log = logging.getLogger("weft.streaming")


async def watch_tokens(rt: Runtime, hub: Hub) -> None:
    while True:
        await asyncio.sleep(hub.recheck_seconds)
        try:
            await recheck(rt, hub)
        except Exception:
            log.warning("streaming: could not recheck tokens", exc_info=True)


async def recheck(rt: Runtime, hub: Hub) -> None:
    held = hub.tokens()
    if not held:
        return
    query = (
        select(OAuthAccessToken, User, Account)
        .outerjoin(User, User.id == OAuthAccessToken.user_id)
        .outerjoin(Account, Account.id == User.account_id)
        .where(OAuthAccessToken.id.in_(held))
    )
    async with rt.db.read() as session:
        rows = (await session.execute(query)).all()
    now = utcnow()
    good: set[int] = set()
    for token, user, account in rows:
        person = user is not None and account is not None
        facts = TokenFacts(
            revoked_at=token.revoked_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            scopes=frozenset(token.scopes.split()),
            for_person=token.user_id is not None,
            person_found=person,
            disabled=person and user.disabled,
            suspended=person and account.suspended_at is not None,
            confirmed=person and user.is_confirmed,
        )
        if token_verdict(rt.settings, facts, now) is None:
            good.add(token.id)
    for token_id in set(held) - good:
        hub.close_token(token_id, REVOKED)
