"""Accounts (local and remote actors) and users (the people who sign in here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from weft.models.base import Base, snowflake_pk, utcnow


class Account(Base):
    """A profile: a local person's, or a remote actor's (``domain`` set)."""

    __tablename__ = "accounts"

    id: Mapped[int] = snowflake_pk()
    username: Mapped[str] = mapped_column(String(255))
    domain: Mapped[str | None] = mapped_column(String(255), default=None)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Profile links: [{"name": ..., "value": ..., "verified_at": ...}]
    fields: Mapped[list[Any]] = mapped_column(default=list)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    bot: Mapped[bool] = mapped_column(Boolean, default=False)
    discoverable: Mapped[bool] = mapped_column(Boolean, default=True)
    indexable: Mapped[bool] = mapped_column(Boolean, default=True)
    hide_collections: Mapped[bool] = mapped_column(Boolean, default=False)
    avatar_url: Mapped[str | None] = mapped_column(Text, default=None)
    header_url: Mapped[str | None] = mapped_column(Text, default=None)
    # Remote accounts: the pictures' URLs on their server. ``avatar_url`` and
    # ``header_url`` are what we serve: our copy once the
    # ``media.fetch_remote_profile_image`` job made it, the remote URL until then.
    avatar_remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    header_remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    uri: Mapped[str | None] = mapped_column(Text, default=None, unique=True)
    url: Mapped[str | None] = mapped_column(Text, default=None)
    followers_count: Mapped[int] = mapped_column(Integer, default=0)
    following_count: Mapped[int] = mapped_column(Integer, default=0)
    statuses_count: Mapped[int] = mapped_column(Integer, default=0)
    last_status_at: Mapped[datetime | None] = mapped_column(default=None)
    suspended_at: Mapped[datetime | None] = mapped_column(default=None)
    # Moderation (weft/actions/moderation.py): limited to followers, media sensitive.
    silenced_at: Mapped[datetime | None] = mapped_column(default=None)
    sensitized_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Kept by database triggers (migration 0008): goes up with every change to
    # the row. Never set it; rendered account entities are cached by it.
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    # ActivityPub. Local accounts get a key pair when first needed; remote ones
    # carry what their actor document said, refreshed at ``fetched_at``.
    actor_type: Mapped[str] = mapped_column(String(16), default="Person")
    public_key_pem: Mapped[str | None] = mapped_column(Text, default=None)
    # The id of that key (remote actors: ``<actor>#main-key`` or a separate key document).
    public_key_id: Mapped[str | None] = mapped_column(Text, default=None, index=True)
    private_key_pem: Mapped[str | None] = mapped_column(Text, default=None)
    inbox_url: Mapped[str | None] = mapped_column(Text, default=None)
    shared_inbox_url: Mapped[str | None] = mapped_column(Text, default=None)
    outbox_url: Mapped[str | None] = mapped_column(Text, default=None)
    followers_url: Mapped[str | None] = mapped_column(Text, default=None)
    following_url: Mapped[str | None] = mapped_column(Text, default=None)
    featured_url: Mapped[str | None] = mapped_column(Text, default=None)
    # The person's fediverse switch: off keeps the account on this server only.
    federated: Mapped[bool] = mapped_column(Boolean, default=True)
    fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    # Move: where this account went, and the aliases it claims (actor URIs).
    moved_to_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    also_known_as: Mapped[list[Any]] = mapped_column(default=list)
    # Remote accounts: the custom emoji their name, bio and fields use,
    # [{"shortcode": ..., "url": ...}] (migration 0010; the domain is theirs).
    emojis: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")

    user: Mapped[User | None] = relationship(back_populates="account", lazy="raise")

    @property
    def is_local(self) -> bool:
        return self.domain is None

    @property
    def acct(self) -> str:
        return self.username if self.domain is None else f"{self.username}@{self.domain}"


class User(Base):
    """Someone who signs in here; always has a local account."""

    __tablename__ = "users"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16), default="user")  # user | moderator | admin
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmation_token_hash: Mapped[str | None] = mapped_column(
        String(64), default=None, index=True
    )
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(default=None)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str] = mapped_column(String(16), default="en")
    default_privacy: Mapped[str] = mapped_column(String(16), default="public")
    default_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    default_language: Mapped[str | None] = mapped_column(String(16), default=None)
    # Who may message them (migration 0018): everyone | following | nobody.
    chat_policy: Mapped[str] = mapped_column(String(16), default="everyone")
    # Whose mentions link and notify (migration 0026): everyone | following | followers.
    mention_policy: Mapped[str] = mapped_column(String(16), default="everyone")
    sign_up_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)
    # Sign-ups in approval mode wait (False) until an admin approves them
    # (weft/actions/registrations.py); they may not sign in meanwhile.
    approved: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    sign_up_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # The invite link they came with (no foreign key: invites are deleted freely).
    invite_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[Account] = relationship(back_populates="user", lazy="raise")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_staff(self) -> bool:
        """A moderator or an admin: may handle reports and act on accounts."""
        return self.role in ("moderator", "admin")

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


# Usernames are unique regardless of case, per domain (local accounts have none).
Index(
    "ix_accounts_username_domain",
    func.lower(Account.username),
    func.coalesce(func.lower(Account.domain), ""),
    unique=True,
)
Index("ix_users_email_lower", func.lower(User.email), unique=True)
