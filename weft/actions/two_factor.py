"""Two-factor sign-in: set up TOTP, confirm it, backup codes, turn it off, and
the second step of signing in.

The web's sign-in asks for a code after the password (weft/web/auth.py); the
OAuth password grant refuses an account that has it on, since it can't ask
(weft/api/oauth.py). Attempts are counted per account and per IP by the
callers (weft/ratelimit.py: ``TWO_FACTOR``, ``SIGN_IN``).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from weft.config import Settings
from weft.db.database import Database
from weft.errors import Invalid, Unauthorized
from weft.models import BackupCode, TwoFactorSecret, User
from weft.models.base import utcnow
from weft.security import (
    keyed_hash,
    new_totp_secret,
    same,
    seal,
    totp_step,
    unseal,
    verify_password,
)

TOTP_PURPOSE = "two-factor secret"
BACKUP_PURPOSE = "two-factor backup code"
CHALLENGE_PURPOSE = "two-factor sign-in"
BACKUP_CODES = 10
# Between the password and the code: long enough to open the app and type.
CHALLENGE_SECONDS = 10 * 60
_BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
WRONG_CODE = "Invalid two-factor code"


@dataclass(frozen=True)
class TwoFactorState:
    enabled: bool
    pending_secret: str | None  # a set-up begun, not yet confirmed
    backup_codes_left: int


async def two_factor_state(db: Database, settings: Settings, user_id: int) -> TwoFactorState:
    async with db.read() as session:
        row = await session.get(TwoFactorSecret, user_id)
        left = await session.scalar(
            select(func.count())
            .select_from(BackupCode)
            .where(BackupCode.user_id == user_id, BackupCode.used_at.is_(None))
        )
    if row is None:
        return TwoFactorState(False, None, 0)
    if row.enabled_at is None:
        return TwoFactorState(False, _secret_of(settings, row), 0)
    return TwoFactorState(True, None, int(left or 0))


async def has_two_factor(db: Database, user_id: int) -> bool:
    async with db.read() as session:
        enabled = await session.scalar(
            select(TwoFactorSecret.enabled_at).where(TwoFactorSecret.user_id == user_id)
        )
    return enabled is not None


def _secret_of(settings: Settings, row: TwoFactorSecret) -> str:
    secret = unseal(settings.secret_key, TOTP_PURPOSE, row.sealed_secret)
    if secret is None:
        # Sealed under another server key: WEFT_SECRET_KEY changed since.
        raise Unauthorized("Two-factor sign-in can't be checked: the server's secret key changed")
    return secret


async def begin_two_factor(db: Database, settings: Settings, user: User) -> str:
    """A new secret for ``user`` to scan; it counts once confirmed with a code."""
    secret = new_totp_secret()
    async with db.write() as session:
        row = await session.get(TwoFactorSecret, user.id, with_for_update=True)
        if row is not None and row.enabled_at is not None:
            raise Invalid("two_factor", "is already on", "ERR_TAKEN")
        if row is None:
            row = TwoFactorSecret(user_id=user.id, sealed_secret="")
            session.add(row)
        row.sealed_secret = seal(settings.secret_key, TOTP_PURPOSE, secret)
        row.last_step = None
    return secret


async def confirm_two_factor(
    db: Database, settings: Settings, user: User, code: str, now: float | None = None
) -> list[str]:
    """Turn two-factor sign-in on with a first code; returns the backup codes (shown once)."""
    async with db.write() as session:
        row = await session.get(TwoFactorSecret, user.id, with_for_update=True)
        if row is None or row.enabled_at is not None:
            raise Invalid("code", "has nothing to confirm: start the set-up again", "ERR_INVALID")
        step = totp_step(_secret_of(settings, row), code, time.time() if now is None else now)
        if step is None:
            raise Invalid("code", "is not the code your app shows", "ERR_INVALID")
        row.enabled_at = utcnow()
        row.last_step = step
        return await _new_backup_codes(session, settings, user.id)


async def regenerate_backup_codes(
    db: Database, settings: Settings, user: User, password: str
) -> list[str]:
    """Ten new backup codes in place of the old ones (the password is asked first)."""
    await _check_password(user, password)
    async with db.write() as session:
        enabled = await session.scalar(
            select(TwoFactorSecret.enabled_at).where(TwoFactorSecret.user_id == user.id)
        )
        if enabled is None:
            raise Invalid("two_factor", "is not on", "ERR_INVALID")
        return await _new_backup_codes(session, settings, user.id)


async def disable_two_factor(db: Database, user: User, password: str) -> None:
    """Turn two-factor sign-in off; only with the password."""
    await _check_password(user, password)
    async with db.write() as session:
        await session.execute(delete(BackupCode).where(BackupCode.user_id == user.id))
        await session.execute(delete(TwoFactorSecret).where(TwoFactorSecret.user_id == user.id))


async def check_second_factor(
    db: Database, settings: Settings, user_id: int, code: str, now: float | None = None
) -> User:
    """Accept ``code`` (the app's, or a backup code) once, or raise ``Unauthorized``;
    returns the user (with their account) whose code it is.

    A TOTP code is refused again, and so is any of an earlier step, however
    fast it is replayed: the row's ``last_step`` moves only forward, in one
    conditional UPDATE. A backup code is spent by one conditional UPDATE too.
    """
    async with db.write() as session:
        row = await session.get(TwoFactorSecret, user_id)
        if row is None or row.enabled_at is None:
            raise Unauthorized(WRONG_CODE)
        step = totp_step(_secret_of(settings, row), code, time.time() if now is None else now)
        if step is not None:
            moved = await session.execute(
                update(TwoFactorSecret)
                .where(
                    TwoFactorSecret.user_id == user_id,
                    or_(TwoFactorSecret.last_step.is_(None), TwoFactorSecret.last_step < step),
                )
                .values(last_step=step)
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount == 1:  # type: ignore[attr-defined]
                return await _user(session, user_id)
            raise Unauthorized(f"{WRONG_CODE}: this code was used already, wait for the next one")
        spent = await session.execute(
            update(BackupCode)
            .where(
                BackupCode.user_id == user_id,
                BackupCode.code_hash == _backup_hash(settings, code),
                BackupCode.used_at.is_(None),
            )
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            raise Unauthorized(WRONG_CODE)
        return await _user(session, user_id)


async def _user(session: AsyncSession, user_id: int) -> User:
    user = await session.scalar(
        select(User).where(User.id == user_id).options(selectinload(User.account))
    )
    if user is None:
        raise Unauthorized(WRONG_CODE)
    return user


async def _check_password(user: User, password: str) -> None:
    if not password:
        raise Invalid("password", "can't be blank", "ERR_BLANK")
    if not await verify_password(user.password_hash, password):
        raise Invalid("password", "is not your password", "ERR_INVALID")


def _normal_backup(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def _backup_hash(settings: Settings, code: str) -> str:
    return keyed_hash(settings.secret_key, BACKUP_PURPOSE, _normal_backup(code))


async def _new_backup_codes(session: AsyncSession, settings: Settings, user_id: int) -> list[str]:
    await session.execute(delete(BackupCode).where(BackupCode.user_id == user_id))
    codes = []
    for _ in range(BACKUP_CODES):
        raw = "".join(secrets.choice(_BACKUP_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    session.add_all(
        BackupCode(user_id=user_id, code_hash=_backup_hash(settings, code)) for code in codes
    )
    return codes


# --- the step between the password and the code -------------------------------------------


def sign_in_challenge(settings: Settings, user_id: int, now: float | None = None) -> str:
    """What the code's form carries once the password was right: whose sign-in
    it is and until when, signed with the server's key (nothing stored)."""
    expires = int((time.time() if now is None else now) + CHALLENGE_SECONDS)
    body = f"{user_id}.{expires}"
    return f"{body}.{keyed_hash(settings.secret_key, CHALLENGE_PURPOSE, body)}"


def challenged_user(settings: Settings, challenge: str, now: float | None = None) -> int:
    """The user id a challenge names, if it is ours and not expired."""
    user_id, _, rest = challenge.partition(".")
    expires, _, signature = rest.partition(".")
    body = f"{user_id}.{expires}"
    expected = keyed_hash(settings.secret_key, CHALLENGE_PURPOSE, body)
    if not (user_id.isdigit() and expires.isdigit() and same(signature, expected)):
        raise Unauthorized("The sign-in expired: enter your password again")
    if int(expires) < (time.time() if now is None else now):
        raise Unauthorized("The sign-in expired: enter your password again")
    return int(user_id)
