"""Signing in and out of the web app (server-side sessions)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from weft.config import Settings
from weft.db.database import Database
from weft.errors import Forbidden, Unauthorized
from weft.models import Account, User, WebSession
from weft.models.base import utcnow
from weft.security import random_token, token_hash, verify_password

SESSION_LIFETIME = timedelta(days=30)
# Touch last_active_at at most this often, so reads don't turn into writes.
ACTIVITY_GRANULARITY = timedelta(minutes=10)


UNCONFIRMED = "Confirm your email address first: follow the link in the email we sent you."


DISABLED = "This account is disabled"

PENDING = "Your sign-up is waiting for a moderator's approval: you can sign in once it is approved."


def sign_in_refusal(
    settings: Settings, *, disabled: bool, suspended: bool, confirmed: bool, approved: bool
) -> str | None:
    """Why a person may not use their account now (web session or API token),
    or None if they may."""
    if disabled or suspended:
        return DISABLED
    # Accounts made while confirmation was off were confirmed at sign-up.
    if settings.require_email_confirmation and not confirmed:
        return UNCONFIRMED
    if not approved:
        return PENDING
    return None


def check_may_sign_in(settings: Settings, user: User) -> None:
    """Refuse (403) a person who may not use their account now."""
    refusal = sign_in_refusal(
        settings,
        disabled=user.disabled,
        suspended=user.account.suspended_at is not None,
        confirmed=user.is_confirmed,
        approved=user.approved,
    )
    if refusal is not None:
        raise Forbidden(refusal)


async def authenticate(db: Database, settings: Settings, login: str, password: str) -> User:
    """The user whose email or username is ``login``, if ``password`` is theirs
    and they may sign in."""
    login = login.strip().lstrip("@").lower()
    async with db.read() as session:
        user = await session.scalar(
            select(User)
            .join(Account, User.account_id == Account.id)
            .where(or_(func.lower(User.email) == login, func.lower(Account.username) == login))
            .options(selectinload(User.account))
        )
    if not await verify_password(user.password_hash if user else None, password) or user is None:
        raise Unauthorized("Invalid email, username or password")
    check_may_sign_in(settings, user)
    return user


async def start_session(
    db: Database, user: User, *, ip: str | None = None, user_agent: str | None = None
) -> tuple[WebSession, str]:
    """A new session for ``user``; returns it and the secret for the cookie."""
    secret = random_token()
    now = utcnow()
    async with db.write() as session:
        web_session = WebSession(
            user_id=user.id,
            token_hash=token_hash(secret),
            csrf_token=random_token(24),
            ip=ip,
            user_agent=(user_agent or "")[:500],
            expires_at=now + SESSION_LIFETIME,
        )
        session.add(web_session)
        await session.execute(update(User).where(User.id == user.id).values(last_sign_in_at=now))
    return web_session, secret


async def resume_session(db: Database, secret: str) -> tuple[WebSession, User] | None:
    """The live session and its user for a cookie secret, or None."""
    now = utcnow()
    async with db.read() as session:
        row = (
            await session.execute(
                select(WebSession, User)
                .join(User, WebSession.user_id == User.id)
                .where(WebSession.token_hash == token_hash(secret))
                .options(selectinload(User.account))
            )
        ).first()
    if row is None:
        return None
    web_session, user = row
    if web_session.expires_at <= now or user.disabled or user.account.suspended_at is not None:
        return None
    if now - web_session.last_active_at > ACTIVITY_GRANULARITY:
        async with db.write() as session:
            await session.execute(
                update(WebSession)
                .where(WebSession.id == web_session.id)
                .values(last_active_at=now, expires_at=now + SESSION_LIFETIME)
            )
    return web_session, user


async def end_session(db: Database, secret: str) -> None:
    async with db.write() as session:
        await session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(secret)))


async def revoke_session(db: Database, user_id: int, session_id: int) -> bool:
    async with db.write() as session:
        result = await session.execute(
            delete(WebSession).where(WebSession.id == session_id, WebSession.user_id == user_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
