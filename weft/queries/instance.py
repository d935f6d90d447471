"""What this server says about itself: numbers for the instance entities and
NodeInfo, its rules, texts and sign-up settings, peers and weekly activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from weft.config import Settings
from weft.db.database import Database
from weft.models import (
    Account,
    DomainBlock,
    FederatedServer,
    Invite,
    ServerRule,
    ServerSetting,
    Status,
    User,
    WebSession,
)
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


# --- The server's settings, rules and texts (weft/models/server.py) ---

MODES = ("open", "approval", "invite", "closed")
TEXT_KEYS = ("extended_description", "privacy_policy", "terms_of_service")
# Shown until an admin writes their own (Mastodon ships a template too).
DEFAULT_PRIVACY_POLICY = (
    "This server keeps what you give it to run your account: your email address, "
    "password (hashed), posts, media and the people you follow. Public posts and "
    "your profile are sent to the other servers your followers are on.\n\n"
    "It keeps the IP address you signed up and signed in from, to fight abuse. "
    "You can download your data and delete your account at any time."
)


@dataclass(frozen=True)
class Registration:
    """How people sign up here now: the admin's saved choice, else the configuration."""

    mode: str  # open | approval | invite | closed
    message: str  # shown on the sign-up page (and in the v2 entity) when set
    invites_by: str  # users | admins
    show_domain_blocks: str  # disabled | users | all

    @property
    def enabled(self) -> bool:
        """Anyone may ask for an account (invite-only and closed: no)."""
        return self.mode in ("open", "approval")

    @property
    def approval_required(self) -> bool:
        return self.mode == "approval"


@dataclass(frozen=True)
class SiteText:
    key: str
    text: str  # as the admin typed it
    updated_at: datetime | None  # None: never written

    @property
    def html(self) -> str:
        return paragraphs_html(self.text)


def paragraphs_html(text: str) -> str:
    """Plain text as HTML: blank lines part paragraphs, single newlines break lines."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br>".join(escape(line) for line in b.split("\n")) + "</p>" for b in blocks if b
    )


async def stored_settings(session: AsyncSession) -> dict[str, ServerSetting]:
    rows = await session.scalars(select(ServerSetting))
    return {row.key: row for row in rows}


def _registration(settings: Settings, stored: dict[str, ServerSetting]) -> Registration:
    configured = settings.registrations_mode if settings.registrations_open else "closed"

    def value(key: str, default: str, allowed: tuple[str, ...] | None = None) -> str:
        row = stored.get(key)
        if row is None or (allowed is not None and row.value not in allowed):
            return default
        return row.value

    return Registration(
        mode=value("registrations_mode", configured, MODES),
        message=value("registrations_message", ""),
        invites_by=value("invites_by", settings.invites_by, ("users", "admins")),
        show_domain_blocks=value(
            "show_domain_blocks", settings.show_domain_blocks, ("disabled", "users", "all")
        ),
    )


async def registration(db: Database, settings: Settings) -> Registration:
    async with db.read() as session:
        return _registration(settings, await stored_settings(session))


async def registration_in(session: AsyncSession, settings: Settings) -> Registration:
    return _registration(settings, await stored_settings(session))


async def site_text(db: Database, key: str) -> SiteText:
    async with db.read() as session:
        row = await session.get(ServerSetting, key)
    if row is None or not row.value.strip():
        default = DEFAULT_PRIVACY_POLICY if key == "privacy_policy" else ""
        return SiteText(key, default, row.updated_at if row else None)
    return SiteText(key, row.value, row.updated_at)


async def site_texts(db: Database) -> dict[str, SiteText]:
    return {key: await site_text(db, key) for key in TEXT_KEYS}


async def server_rules(db: Database) -> list[ServerRule]:
    async with db.read() as session:
        rows = await session.scalars(
            select(ServerRule).order_by(ServerRule.position, ServerRule.id)
        )
        return list(rows)


async def public_domain_blocks(db: Database) -> list[DomainBlock]:
    async with db.read() as session:
        rows = await session.scalars(select(DomainBlock).order_by(DomainBlock.domain))
        return list(rows)


async def peers(db: Database) -> list[str]:
    """The domains this server knows (accounts or deliveries), less suspended ones."""
    async with db.read() as session:
        known = set(
            await session.scalars(
                select(Account.domain).where(Account.domain.is_not(None)).distinct()
            )
        )
        known.update(await session.scalars(select(FederatedServer.domain)))
        blocked = await session.scalars(
            select(DomainBlock.domain).where(DomainBlock.severity == "suspend")
        )
    suspended = set(blocked)
    return sorted(
        d for d in known if d and not any(d == b or d.endswith("." + b) for b in suspended)
    )


@dataclass(frozen=True)
class Week:
    start: datetime
    statuses: int
    logins: int
    registrations: int


ACTIVITY_WEEKS = 12


async def weekly_activity(db: Database, now: datetime | None = None) -> list[Week]:
    """The last 12 weeks (Monday 00:00 UTC on), this week first: local posts,
    people who signed in (a web session started), and sign-ups."""
    now = now or utcnow()
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    weeks = []
    async with db.read() as session:
        for n in range(ACTIVITY_WEEKS):
            start = monday - timedelta(weeks=n)
            end = start + timedelta(weeks=1)
            statuses = await session.scalar(
                select(func.count(Status.id))
                .join(Account, Account.id == Status.account_id)
                .where(
                    Account.domain.is_(None), Status.created_at >= start, Status.created_at < end
                )
            )
            logins = await session.scalar(
                select(func.count(func.distinct(WebSession.user_id))).where(
                    WebSession.created_at >= start, WebSession.created_at < end
                )
            )
            registrations = await session.scalar(
                select(func.count(User.id)).where(User.created_at >= start, User.created_at < end)
            )
            weeks.append(Week(start, int(statuses or 0), int(logins or 0), int(registrations or 0)))
    return weeks


async def pending_sign_ups(db: Database) -> list[User]:
    """The approval queue, oldest first."""
    async with db.read() as session:
        rows = await session.scalars(
            select(User)
            .where(User.approved.is_(False))
            .options(selectinload(User.account))
            .order_by(User.created_at, User.id)
        )
        return list(rows)


async def find_invite(db: Database, code: str) -> Invite | None:
    async with db.read() as session:
        return await session.scalar(select(Invite).where(Invite.code == code))


async def invites_of(db: Database, user_id: int) -> list[Invite]:
    async with db.read() as session:
        rows = await session.scalars(
            select(Invite)
            .where(Invite.user_id == user_id, Invite.revoked_at.is_(None))
            .order_by(Invite.created_at.desc(), Invite.id.desc())
        )
        return list(rows)
