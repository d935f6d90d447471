"""Who may sign up, and how: the sign-up mode, the approval queue, invite
links, and the server's rules and texts that admins edit.

``admit_sign_up`` is asked by ``register_account`` (weft/actions/accounts.py)
for every sign-up, from the web form and from apps alike; ``approve_sign_up``
and ``reject_sign_up`` are the queue's two verbs, for the web admin pages and
for the admin API (/api/v1/admin/accounts/:id/approve and /reject).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.config import Settings
from weft.db.database import Database
from weft.errors import Forbidden, Invalid, NotFound
from weft.jobs.kinds import SEND_MAIL
from weft.jobs.queue import enqueue
from weft.models import Account, Invite, ServerRule, ServerSetting, User
from weft.models.base import utcnow
from weft.queries.instance import MODES, TEXT_KEYS, registration_in
from weft.security import random_token

REASON_MAX = 500
RULE_TEXT_MAX = 300
RULE_HINT_MAX = 2000
RULES_MAX = 50
SITE_TEXT_MAX = 100_000
MESSAGE_MAX = 500
# An invite link lasts one of these (seconds; None: never), as Mastodon offers.
INVITE_EXPIRIES: tuple[int | None, ...] = (1800, 3600, 21600, 43200, 86400, 604800, None)
INVITE_MAX_USES = 1000

CLOSED = "Registrations are closed on this server"
INVITE_ONLY = "This server signs people up by invitation only: ask someone here for an invite link"
INVITE_UNKNOWN = "This invite link is not valid"
INVITE_EXPIRED = "This invite link has expired"
INVITE_USED_UP = "This invite link has been used as many times as it allows"


@dataclass(frozen=True)
class Admission:
    """What a sign-up may become: approved at once or queued, through which invite."""

    approved: bool
    invite_id: int | None
    reason: str | None


def invite_problem(invite: Invite | None) -> str | None:
    """Why ``invite`` can't sign anyone up now, or None if it can."""
    if invite is None or invite.revoked_at is not None:
        return INVITE_UNKNOWN
    if invite.expires_at is not None and invite.expires_at <= utcnow():
        return INVITE_EXPIRED
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return INVITE_USED_UP
    return None


async def admit_sign_up(
    session: AsyncSession,
    settings: Settings,
    *,
    invite_code: str,
    reason: str,
) -> Admission:
    """Check a sign-up against the mode; raise if it may not happen.

    A valid invite admits in every mode but ``closed`` and skips the queue.
    In approval mode a reason is asked (Mastodon's ``reason``).
    """
    mode = (await registration_in(session, settings)).mode
    if mode == "closed":
        raise Forbidden(CLOSED)
    code = invite_code.strip()
    if code:
        invite = await session.scalar(select(Invite).where(Invite.code == code))
        problem = invite_problem(invite)
        if problem is not None:
            raise Invalid("invite_code", problem.removeprefix("This invite link "), "ERR_INVALID")
        assert invite is not None
        return Admission(True, invite.id, reason.strip()[:REASON_MAX] or None)
    if mode == "invite":
        raise Forbidden(INVITE_ONLY)
    if mode == "approval":
        reason = reason.strip()
        if not reason:
            raise Invalid("reason", "can't be blank", "ERR_BLANK")
        if len(reason) > REASON_MAX:
            raise Invalid(
                "reason", f"is too long (maximum is {REASON_MAX} characters)", "ERR_TOO_LONG"
            )
        return Admission(False, None, reason)
    return Admission(True, None, reason.strip()[:REASON_MAX] or None)


async def use_invite(session: AsyncSession, invite_id: int) -> None:
    """Count one use, only if the invite still allows it (two sign-ups racing
    for its last use: one wins, the other is refused)."""
    now = utcnow()
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.revoked_at.is_(None),
            or_(Invite.expires_at.is_(None), Invite.expires_at > now),
            or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
        )
        .values(uses=Invite.uses + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Invalid("invite_code", INVITE_USED_UP.removeprefix("This invite link "))


# --- The approval queue ---


def _require_staff(actor: User) -> None:
    if actor.role not in ("admin", "moderator"):
        raise Forbidden("This action is only for moderators and administrators")


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden("This action is only for administrators")


async def _pending(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None or user.approved:
        raise NotFound("No sign-up is waiting with this id")
    return user


async def approve_sign_up(db: Database, settings: Settings, actor: User, user_id: int) -> User:
    """Let a queued sign-up in, and tell them by email."""
    _require_staff(actor)
    async with db.write() as session:
        user = await _pending(session, user_id)
        user.approved = True
        enqueue(
            session,
            SEND_MAIL,
            {
                "to": user.email,
                "subject": f"Your account on {settings.domain} is approved",
                "text": (
                    f"Welcome to {settings.instance_title}! Your sign-up was approved; "
                    f"you can sign in now:\n{settings.base_url}/auth/sign_in\n"
                ),
            },
        )
        return user


async def reject_sign_up(db: Database, actor: User, user_id: int) -> None:
    """Turn a queued sign-up down: the account goes, and its name is free again."""
    _require_staff(actor)
    async with db.write() as session:
        user = await _pending(session, user_id)
        await session.execute(delete(Account).where(Account.id == user.account_id))


# --- Invite links ---


async def create_invite(
    db: Database,
    settings: Settings,
    actor: User,
    *,
    expires_in: int | None,
    max_uses: int | None,
) -> Invite:
    if expires_in not in INVITE_EXPIRIES:
        raise Invalid("expires_in", "must be one of the offered durations")
    if max_uses is not None and not 1 <= max_uses <= INVITE_MAX_USES:
        raise Invalid("max_uses", f"must be between 1 and {INVITE_MAX_USES}")
    async with db.write() as session:
        current = await registration_in(session, settings)
        if current.mode == "closed":
            raise Forbidden("Registrations are closed: invite links can't be made now")
        if current.invites_by == "admins" and not actor.is_admin:
            raise Forbidden("Only administrators may make invite links on this server")
        invite = Invite(
            code=random_token(9),
            user_id=actor.id,
            max_uses=max_uses,
            expires_at=None if expires_in is None else utcnow() + timedelta(seconds=expires_in),
        )
        session.add(invite)
        await session.flush()
        return invite


async def revoke_invite(db: Database, actor: User, invite_id: int) -> None:
    async with db.write() as session:
        invite = await session.get(Invite, invite_id)
        if invite is None or invite.revoked_at is not None:
            raise NotFound("No invite link with this id")
        if invite.user_id != actor.id and not actor.is_admin:
            raise NotFound("No invite link with this id")
        invite.revoked_at = utcnow()


# --- Rules, texts and settings (admins) ---


def _check_rule(text: str, hint: str) -> tuple[str, str]:
    text, hint = text.strip(), hint.strip()
    if not text:
        raise Invalid("text", "can't be blank", "ERR_BLANK")
    if len(text) > RULE_TEXT_MAX:
        raise Invalid("text", f"is too long (maximum is {RULE_TEXT_MAX} characters)")
    if len(hint) > RULE_HINT_MAX:
        raise Invalid("hint", f"is too long (maximum is {RULE_HINT_MAX} characters)")
    return text, hint


async def add_rule(db: Database, actor: User, text: str, hint: str = "") -> ServerRule:
    _require_admin(actor)
    text, hint = _check_rule(text, hint)
    async with db.write() as session:
        count = await session.scalar(select(func.count(ServerRule.id)))
        if (count or 0) >= RULES_MAX:
            raise Invalid("text", f"can't be added: a server has at most {RULES_MAX} rules")
        last = await session.scalar(select(func.max(ServerRule.position)))
        rule = ServerRule(text=text, hint=hint, position=(last or 0) + 1)
        session.add(rule)
        await session.flush()
        return rule


async def update_rule(db: Database, actor: User, rule_id: int, text: str, hint: str) -> None:
    _require_admin(actor)
    text, hint = _check_rule(text, hint)
    async with db.write() as session:
        rule = await session.get(ServerRule, rule_id)
        if rule is None:
            raise NotFound("No rule with this id")
        rule.text, rule.hint = text, hint


async def delete_rule(db: Database, actor: User, rule_id: int) -> None:
    _require_admin(actor)
    async with db.write() as session:
        rule = await session.get(ServerRule, rule_id)
        if rule is None:
            raise NotFound("No rule with this id")
        await session.delete(rule)


async def _put(session: AsyncSession, key: str, value: str) -> None:
    row = await session.get(ServerSetting, key)
    if row is None:
        session.add(ServerSetting(key=key, value=value, updated_at=utcnow()))
    elif row.value != value:
        row.value = value
        row.updated_at = utcnow()


async def set_site_text(db: Database, actor: User, key: str, text: str) -> None:
    """Write the extended description, the privacy policy or the terms of service."""
    _require_admin(actor)
    if key not in TEXT_KEYS:
        raise NotFound("No such text")
    if len(text) > SITE_TEXT_MAX:
        raise Invalid(key, f"is too long (maximum is {SITE_TEXT_MAX} characters)")
    async with db.write() as session:
        await _put(session, key, text.replace("\r\n", "\n").strip())


@dataclass(frozen=True)
class RegistrationChange:
    mode: str
    message: str
    invites_by: str
    show_domain_blocks: str


async def set_registrations(db: Database, actor: User, change: RegistrationChange) -> None:
    _require_admin(actor)
    if change.mode not in MODES:
        raise Invalid("mode", f"must be one of {', '.join(MODES)}")
    if change.invites_by not in ("users", "admins"):
        raise Invalid("invites_by", "must be users or admins")
    if change.show_domain_blocks not in ("disabled", "users", "all"):
        raise Invalid("show_domain_blocks", "must be disabled, users or all")
    message = change.message.strip()
    if len(message) > MESSAGE_MAX:
        raise Invalid("message", f"is too long (maximum is {MESSAGE_MAX} characters)")
    async with db.write() as session:
        await _put(session, "registrations_mode", change.mode)
        await _put(session, "registrations_message", message)
        await _put(session, "invites_by", change.invites_by)
        await _put(session, "show_domain_blocks", change.show_domain_blocks)
