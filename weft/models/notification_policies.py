"""Notification filtering (Mastodon 4.3+): a person's policy and the requests
it makes, one per sender whose notifications it keeps aside."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow

# What the policy does with a notification of each kind of sender.
POLICY_ACTIONS = ("accept", "filter", "drop")
# A request waits (``pending``) or was accepted (the sender's notifications
# come through); a dismissed one is deleted with its notifications.
REQUEST_STATES = ("pending", "accepted")


class NotificationPolicy(Base):
    """No row: Mastodon's defaults (``weft.policies.notifications.DEFAULT_POLICY``)."""

    __tablename__ = "notification_policies"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    for_not_following: Mapped[str] = mapped_column(String(8), default="accept")
    for_not_followers: Mapped[str] = mapped_column(String(8), default="accept")
    for_new_accounts: Mapped[str] = mapped_column(String(8), default="accept")
    for_private_mentions: Mapped[str] = mapped_column(String(8), default="filter")
    for_limited_accounts: Mapped[str] = mapped_column(String(8), default="filter")


class NotificationRequest(Base):
    __tablename__ = "notification_requests"
    __table_args__ = (
        Index("ix_notification_requests_pair", "account_id", "from_account_id", unique=True),
    )

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
