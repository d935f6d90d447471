"""The server's own texts and sign-up machinery: rules, settings an admin
edits on the web (sign-up mode, about texts), and invite links.

Settings are rows of ``server_settings`` (key, value): a key with no row
falls back to the configuration (weft/config.py), so a fresh server runs
on its environment alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class ServerRule(Base):
    """One of the rules people accept at sign-up and name in reports."""

    __tablename__ = "server_rules"

    id: Mapped[int] = snowflake_pk()
    text: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ServerSetting(Base):
    __tablename__ = "server_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Invite(Base):
    """An invite link, ``/invite/<code>``: it signs people up past the
    approval queue and in invite-only mode, until it expires or is used up."""

    __tablename__ = "invites"

    id: Mapped[int] = snowflake_pk()
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    max_uses: Mapped[int | None] = mapped_column(Integer, default=None)  # None: no limit
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)  # None: never
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
