"""Moderation: reports, warnings to accounts, appeals of them, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow

# Mastodon's report categories.
CATEGORIES = ("spam", "legal", "violation", "other")


class Report(Base):
    """A report, from a local person or forwarded by another server (a Flag).

    A Flag names its sender as the reporting account: Mastodon sends them from
    its instance actor, so the reporter is a server, not a person. A report
    about a chat names the chat and its messages (``chat_id``,
    ``chat_message_ids``); ``status_ids`` are posts.
    """

    __tablename__ = "reports"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # The reported posts' ids (of this server's rows); those not known here are left out.
    status_ids: Mapped[list[Any]] = mapped_column(default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(16), default="other")
    rule_ids: Mapped[list[Any]] = mapped_column(default=list)
    # Sent on to the reported account's server as a Flag.
    forwarded: Mapped[bool] = mapped_column(Boolean, default=False)
    chat_id: Mapped[int | None] = mapped_column(default=None)
    chat_message_ids: Mapped[list[Any]] = mapped_column(default=list)
    # The Flag's id, when the report came from another server.
    uri: Mapped[str | None] = mapped_column(Text, default=None, unique=True)
    # The moderator handling it, and the one who resolved it (account ids).
    assigned_account_id: Mapped[int | None] = mapped_column(default=None)
    action_taken_by_account_id: Mapped[int | None] = mapped_column(default=None)
    action_taken_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)


class AccountWarning(Base):
    """What a moderator did to an account, as the person is told (Mastodon's strike).

    ``action``: ``none`` (a warning), ``sensitive``, ``silence``, ``suspend``,
    ``disable``, ``delete_statuses``, ``mark_statuses_as_sensitive``.
    """

    __tablename__ = "account_warnings"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), default=None
    )
    action: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    status_ids: Mapped[list[Any]] = mapped_column(default=list)
    # An appeal was approved: the action was undone.
    overruled_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Appeal(Base):
    """A person's one appeal of a warning, handled in the moderators' queue."""

    __tablename__ = "appeals"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    account_warning_id: Mapped[int] = mapped_column(
        ForeignKey("account_warnings.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    rejected_at: Mapped[datetime | None] = mapped_column(default=None)
    handled_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdminActionLog(Base):
    """One moderation action, for admins to read: who, what, on what, when."""

    __tablename__ = "admin_action_logs"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(16))  # account | report | status | appeal
    target_id: Mapped[int] = mapped_column()
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
