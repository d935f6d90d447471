"""Who is calling: bearer tokens, their scopes, and rate limits per caller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from fastapi import Depends, Request
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from weft.api.token_cache import TokenCache, Viewer
from weft.api.token_verdict import (
    INVALID,
    OUT_OF_SCOPE,
    TokenFacts,
    token_verdict,
    use_to_record,
)
from weft.errors import Forbidden, Unauthorized
from weft.models import Account, OAuthAccessToken, OAuthApplication, User
from weft.models.base import utcnow
from weft.policies import scopes as scope_policy
from weft.runtime import Runtime, runtime_of
from weft.security import token_hash

_UNSET = object()


@dataclass(frozen=True)
class Credentials:
    token: OAuthAccessToken
    scopes: frozenset[str]
    application: OAuthApplication | None
    user: User | None
    account: Account | None
    facts: TokenFacts
    checked_at: datetime


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    # Mastodon also reads access_token from the query (streaming clients do).
    return request.query_params.get("access_token") or None


async def load_credentials(rt: Runtime, raw_token: str) -> Credentials | None:
    """The token ``raw_token``, with its app and person; None if there is none,
    or if :func:`token_verdict` finds it invalid."""
    # One query for token, app, user and account: every API call pays for it.
    query = (
        select(OAuthAccessToken, OAuthApplication, User, Account)
        .outerjoin(OAuthApplication, OAuthApplication.id == OAuthAccessToken.application_id)
        .outerjoin(User, User.id == OAuthAccessToken.user_id)
        .outerjoin(Account, Account.id == User.account_id)
        .where(OAuthAccessToken.token_hash == token_hash(raw_token))
    )
    async with rt.db.read() as session:
        row = (await session.execute(query)).first()
    if row is None:
        return None
    token, app, user, account = row
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
        approved=not person or user.approved,
    )
    now = utcnow()
    if isinstance(token_verdict(rt.settings, facts, now), Unauthorized):
        return None
    if person:
        set_committed_value(user, "account", account)
    await _touch(rt, token)
    return Credentials(
        token=token,
        scopes=facts.scopes,
        application=app,
        user=user,
        account=account if user else None,
        facts=facts,
        checked_at=now,
    )


async def _touch(rt: Runtime, token: OAuthAccessToken) -> None:
    now = utcnow()
    if use_to_record(token.last_used_at, now):
        async with rt.db.write() as session:
            await session.execute(
                update(OAuthAccessToken)
                .where(OAuthAccessToken.id == token.id)
                .values(last_used_at=now)
            )


async def optional_credentials(request: Request) -> Credentials | None:
    """The caller's credentials, None when anonymous; 401 for a bad token."""
    cached = getattr(request.state, "credentials", _UNSET)
    if cached is not _UNSET:
        return cast("Credentials | None", cached)
    raw = bearer_token(request)
    credentials = None
    if raw is not None:
        rt = runtime_of(request)
        credentials = await load_credentials(rt, raw)
        if credentials is None:
            raise Unauthorized(INVALID)
        # A token made at sign-up works once the email is confirmed (403 until then).
        refusal = token_verdict(rt.settings, credentials.facts, credentials.checked_at)
        if refusal is not None:
            raise refusal
    request.state.credentials = credentials
    return credentials


def scoped(*needed: str, user: bool = False) -> Callable[..., Awaitable[Credentials]]:
    """A dependency: a token holding any of ``needed`` (and a person, if ``user``)."""

    async def dependency(request: Request) -> Credentials:
        credentials = await optional_credentials(request)
        if credentials is None:
            raise Unauthorized(INVALID)
        refusal = token_verdict(
            runtime_of(request).settings,
            credentials.facts,
            credentials.checked_at,
            needed,
            person_needed=user,
        )
        if refusal is not None:
            raise refusal
        return credentials

    return dependency


def user_scoped(*needed: str) -> Callable[..., Awaitable[Credentials]]:
    return scoped(*needed, user=True)


def token_cache(rt: Runtime) -> TokenCache:
    cache = rt.extra.get("token_cache")
    if cache is None:
        cache = rt.extra["token_cache"] = TokenCache()
    return cast(TokenCache, cache)


# A person's token with everything ``token_verdict`` reads, as one Core row (no
# session, no ORM objects).
_VERDICT = (
    select(
        OAuthAccessToken.id,
        OAuthAccessToken.scopes,
        OAuthAccessToken.revoked_at,
        OAuthAccessToken.expires_at,
        OAuthAccessToken.last_used_at,
        User.id,
        User.disabled,
        User.confirmed_at,
        Account.id,
        Account.suspended_at,
    )
    .join(User, User.id == OAuthAccessToken.user_id)
    .join(Account, Account.id == User.account_id)
    .where(OAuthAccessToken.token_hash == bindparam("hash"))
)


async def plain_viewer(
    rt: Runtime, hashed: str, needed: tuple[str, ...]
) -> tuple[Viewer, datetime | None] | None:
    """The viewer of a token the full check would accept with nothing to write
    (a person's live token, used within the last hour, holding ``needed``),
    and when it expires; None for anything else, which the full check then
    decides (with the right error). One indexed read."""
    rows = await rt.db.rows(_VERDICT, {"hash": hashed})
    if not rows:
        return None
    row: Any = rows[0]
    (token_id, scopes, revoked_at, expires_at, last_used_at) = row[:5]
    (user_id, disabled, confirmed_at, account_id, suspended_at) = row[5:]
    facts = TokenFacts(
        revoked_at=revoked_at,
        expires_at=expires_at,
        last_used_at=last_used_at,
        scopes=frozenset(scopes.split()),
        for_person=True,
        person_found=True,
        disabled=disabled,
        suspended=suspended_at is not None,
        confirmed=confirmed_at is not None,
    )
    now = utcnow()
    if token_verdict(rt.settings, facts, now, needed, person_needed=True) is not None:
        return None  # the full check answers, with the right error
    if use_to_record(last_used_at, now):
        return None  # the full check records the use
    return Viewer(token_id, account_id, user_id, facts.scopes), expires_at


def cached_viewer(*needed: str) -> Callable[..., Awaitable[Viewer]]:
    """Like ``user_scoped(*needed)``, for hot read routes that need only who is
    asking: a verdict from the last few seconds skips the database
    (weft/api/token_cache.py says when it is forgotten)."""
    # Both paths ask token_verdict; anything but a plain yes goes to the full check.
    full = user_scoped(*needed)

    async def dependency(request: Request) -> Viewer:
        raw = bearer_token(request)
        if raw is None:
            raise Unauthorized(INVALID)
        cache = token_cache(runtime_of(request))
        hashed = token_hash(raw)
        viewer = cache.get(hashed)
        if viewer is None:
            generation = cache.generation
            plain = await plain_viewer(runtime_of(request), hashed, needed)
            if plain is not None:
                cache.put(hashed, plain[0], generation, plain[1])
                return plain[0]
            credentials = await full(request)
            assert credentials.account is not None
            assert credentials.user is not None
            viewer = Viewer(
                token_id=credentials.token.id,
                account_id=credentials.account.id,
                user_id=credentials.user.id,
                scopes=credentials.scopes,
            )
            cache.put(hashed, viewer, generation, credentials.token.expires_at)
        elif needed and not scope_policy.covers_any(viewer.scopes, needed):
            raise Forbidden(OUT_OF_SCOPE)
        return viewer

    return dependency


def scoped_if_token(*needed: str) -> Callable[..., Awaitable[Credentials | None]]:
    """A dependency for public methods: anyone may call, but a token given must be
    valid and hold one of ``needed`` (Mastodon's ``authorize_if_got_token!``)."""

    async def dependency(request: Request) -> Credentials | None:
        credentials = await optional_credentials(request)
        if credentials is None:
            return None
        settings = runtime_of(request).settings
        refusal = token_verdict(settings, credentials.facts, credentials.checked_at, needed)
        if refusal is not None:
            raise refusal
        return credentials

    return dependency


CurrentUser = Depends(user_scoped())
