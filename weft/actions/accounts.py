"""Signing up, confirming email, and editing a profile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.outbox import publish
from weft.actions.registrations import Admission, admit_sign_up, use_invite
from weft.activity_kinds import ActivityKind
from weft.config import Settings
from weft.db.database import Database
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import SEND_MAIL
from weft.jobs.queue import enqueue
from weft.limits import MAX_PROFILE_FIELDS
from weft.models import Account, User
from weft.models.base import utcnow
from weft.policies.chats import CHAT_POLICIES
from weft.policies.mentions import MENTION_POLICIES
from weft.security import hash_password, random_token, token_hash

USERNAME_RE = re.compile(r"[a-z0-9_]{1,30}")
PASSWORD_MIN, PASSWORD_MAX = 8, 256
DISPLAY_NAME_MAX = 30
NOTE_MAX = 500
FIELD_NAME_MAX = 255
FIELD_VALUE_MAX = 255

# Names people would mistake for the server speaking, or that collide with routes.
RESERVED_USERNAMES = frozenset(
    """
    about abuse account accounts activity admin administrator api apps auth
    billing contact explore feed feeds help home inbox info instance local login
    logout mail mastodon media mod moderator moderators news noreply no_reply
    notifications oauth official outbox postmaster privacy public root search
    security settings share sign_in sign_out sign_up signin signout signup
    staff static status statuses support system tags terms threads topics
    undefined null user users weft webmaster well_known www
    """.split()
)


@dataclass(frozen=True)
class SignUp:
    username: str
    email: str
    password: str
    locale: str = "en"
    ip: str | None = None
    role: str = "user"
    # The person accepted the server's rules and terms (the sign-up checkbox).
    agreement: bool = False
    # True when an admin creates the account (CLI): skips confirmation, the
    # agreement and the sign-up mode (weft/actions/registrations.py).
    by_admin: bool = False
    # Asked in approval mode; shown to the moderators in the queue.
    reason: str = ""
    # An invite link's code (/invite/<code>; Mastodon's ``invite_code``).
    invite_code: str = ""


def clean_username(raw: str) -> str:
    """Usernames are lower case; ``Alice`` signs up as ``alice``."""
    username = raw.strip().lstrip("@").lower()
    if not username:
        raise Invalid("username", "can't be blank", "ERR_BLANK")
    if len(username) > 30:
        raise Invalid("username", "is too long (maximum is 30 characters)", "ERR_TOO_LONG")
    if not USERNAME_RE.fullmatch(username):
        raise Invalid(
            "username", "must contain only letters, numbers and underscores", "ERR_INVALID"
        )
    if username in RESERVED_USERNAMES:
        raise Invalid("username", "is reserved", "ERR_RESERVED")
    return username


def clean_email(raw: str) -> str:
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid("email", f"is invalid ({error})", "ERR_INVALID") from None
    return result.normalized


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise Invalid(
            "password", f"is too short (minimum is {PASSWORD_MIN} characters)", "ERR_TOO_SHORT"
        )
    if len(password) > PASSWORD_MAX:
        raise Invalid(
            "password", f"is too long (maximum is {PASSWORD_MAX} characters)", "ERR_TOO_LONG"
        )


async def register_account(db: Database, settings: Settings, form: SignUp) -> User:
    """Create a local account and its user; queue the confirmation mail if needed."""
    admission = Admission(True, None, None)
    if not form.by_admin:
        async with db.read() as session:
            admission = await admit_sign_up(
                session, settings, invite_code=form.invite_code, reason=form.reason
            )
    if not form.agreement and not form.by_admin:
        raise Invalid("agreement", "must be accepted", "ERR_ACCEPTED")
    username = clean_username(form.username)
    email = clean_email(form.email)
    check_password(form.password)
    # Hash before the transaction: argon2 is slow and SQLite has one writer.
    password_hash = await hash_password(form.password)
    needs_confirmation = settings.require_email_confirmation and not form.by_admin
    confirmation = random_token() if needs_confirmation else None
    try:
        return await _insert_user(
            db, settings, form, admission, username, email, password_hash, confirmation
        )
    except IntegrityError:
        # Someone took the name or email between our check and our insert.
        async with db.read() as session:
            await _check_available(session, username, email)
        raise


async def _insert_user(
    db: Database,
    settings: Settings,
    form: SignUp,
    admission: Admission,
    username: str,
    email: str,
    password_hash: str,
    confirmation: str | None,
) -> User:
    async with db.write() as session:
        await _check_available(session, username, email)
        if admission.invite_id is not None:
            await use_invite(session, admission.invite_id)
        account = Account(
            username=username,
            uri=f"{settings.base_url}/users/{username}",
            url=f"{settings.base_url}/@{username}",
        )
        user = User(
            account=account,
            email=email,
            password_hash=password_hash,
            role=form.role,
            locale=form.locale,
            sign_up_ip=form.ip,
            confirmed_at=None if confirmation else utcnow(),
            approved=admission.approved,
            sign_up_reason=admission.reason,
            invite_id=admission.invite_id,
        )
        session.add_all([account, user])
        if confirmation:
            _queue_confirmation(session, settings, user, confirmation)
        await session.flush()
    return user


async def _check_available(session: AsyncSession, username: str, email: str) -> None:
    taken = await session.scalar(
        select(Account.id).where(func.lower(Account.username) == username, Account.domain.is_(None))
    )
    if taken:
        raise Invalid("username", "has already been taken", "ERR_TAKEN")
    if await session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        raise Invalid("email", "has already been taken", "ERR_TAKEN")


def _queue_confirmation(session: AsyncSession, settings: Settings, user: User, token: str) -> None:
    user.confirmation_token_hash = token_hash(token)
    user.confirmation_sent_at = utcnow()
    link = f"{settings.base_url}/auth/confirmation?token={token}"
    enqueue(
        session,
        SEND_MAIL,
        {
            "to": user.email,
            "subject": f"Confirm your email for {settings.domain}",
            "text": (
                f"Welcome to {settings.instance_title}!\n\n"
                f"Confirm your email address to start using your account:\n{link}\n\n"
                "If you did not sign up, ignore this message."
            ),
        },
    )


async def resend_confirmation(db: Database, settings: Settings, user_id: int) -> None:
    async with db.write() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise NotFound()
        if user.is_confirmed:
            raise Invalid("email", "is already confirmed", "ERR_INVALID")
        _queue_confirmation(session, settings, user, random_token())


async def confirm_email(db: Database, token: str) -> User:
    async with db.write() as session:
        user = await session.scalar(
            select(User).where(User.confirmation_token_hash == token_hash(token))
        )
        if user is None:
            raise NotFound("This confirmation link is invalid or was already used")
        user.confirmed_at = utcnow()
        user.confirmation_token_hash = None
        return user


@dataclass(frozen=True)
class ProfileChange:
    """Only the fields given (not None) change."""

    display_name: str | None = None
    note: str | None = None
    fields: list[tuple[str, str]] | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    indexable: bool | None = None
    hide_collections: bool | None = None
    default_privacy: str | None = None
    default_sensitive: bool | None = None
    default_language: str | None = None
    # The fediverse switch (a Weft extension): off, nothing more is sent out.
    federated: bool | None = None
    # Who may message them (weft.policies.chats.CHAT_POLICIES).
    chat_policy: str | None = None
    # Whose mentions link and notify (weft.policies.mentions.MENTION_POLICIES).
    mention_policy: str | None = None


def _check_profile(change: ProfileChange) -> None:
    if change.display_name is not None and len(change.display_name) > DISPLAY_NAME_MAX:
        raise Invalid(
            "display_name",
            f"is too long (maximum is {DISPLAY_NAME_MAX} characters)",
            "ERR_TOO_LONG",
        )
    if change.note is not None and len(change.note) > NOTE_MAX:
        raise Invalid("note", f"is too long (maximum is {NOTE_MAX} characters)", "ERR_TOO_LONG")
    if change.fields is not None:
        if len(change.fields) > MAX_PROFILE_FIELDS:
            raise Invalid(
                "fields", f"has too many entries (maximum is {MAX_PROFILE_FIELDS})", "ERR_TOO_LONG"
            )
        for name, value in change.fields:
            if len(name) > FIELD_NAME_MAX or len(value) > FIELD_VALUE_MAX:
                raise Invalid(
                    "fields",
                    "has an entry that is too long (maximum is 255 characters)",
                    "ERR_TOO_LONG",
                )
    if change.chat_policy is not None and change.chat_policy not in CHAT_POLICIES:
        raise Invalid("chat_policy", f"must be one of {', '.join(CHAT_POLICIES)}")
    if change.mention_policy is not None and change.mention_policy not in MENTION_POLICIES:
        raise Invalid(
            "mention_policy", f"must be one of {', '.join(MENTION_POLICIES)}", "ERR_INCLUSION"
        )
    if change.default_privacy is not None and change.default_privacy not in (
        "public",
        "unlisted",
        "private",
        "direct",
    ):
        raise Invalid("source[privacy]", "must be public, unlisted, private or direct")
    if change.default_language is not None and not re.fullmatch(
        r"[a-z]{2,3}", change.default_language
    ):
        raise Invalid("source[language]", "must be an ISO 639 language code")


async def update_profile(
    db: Database, account_id: int, change: ProfileChange
) -> tuple[Account, User]:
    """Apply ``change`` to a local account; returns the account and its user."""
    _check_profile(change)
    async with db.write() as session:
        account = await session.get(Account, account_id)
        user = await session.scalar(select(User).where(User.account_id == account_id))
        if account is None or user is None:
            raise NotFound()
        _apply(account, user, change)
        await publish(session, ActivityKind.UPDATE_PERSON, account_id)
        return account, user


def _apply(account: Account, user: User, change: ProfileChange) -> None:
    simple: dict[str, Any] = {
        "display_name": change.display_name.strip() if change.display_name is not None else None,
        "note": change.note.strip() if change.note is not None else None,
        "locked": change.locked,
        "bot": change.bot,
        "discoverable": change.discoverable,
        "indexable": change.indexable,
        "hide_collections": change.hide_collections,
        "federated": change.federated,
    }
    for name, value in simple.items():
        if value is not None:
            setattr(account, name, value)
    if change.fields is not None:
        # Empty rows are how clients clear a field.
        account.fields = [
            {"name": n.strip(), "value": v.strip(), "verified_at": None}
            for n, v in change.fields
            if n.strip() or v.strip()
        ]
    if change.default_privacy is not None:
        user.default_privacy = change.default_privacy
    if change.default_sensitive is not None:
        user.default_sensitive = change.default_sensitive
    if change.default_language is not None:
        user.default_language = change.default_language
    if change.chat_policy is not None:
        user.chat_policy = change.chat_policy
    if change.mention_policy is not None:
        user.mention_policy = change.mention_policy
    account.updated_at = utcnow()
