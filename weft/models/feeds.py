"""Home timelines (fan-out on write, embedded mode), notifications and read markers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class HomeFeedEntry(Base):
    """A post in someone's home timeline; the key orders the timeline."""

    __tablename__ = "home_feed_entries"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    # For a repost, the original: a timeline shows one repost of a post, not each.
    reblog_of_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


NOTIFICATION_TYPES = frozenset(
    {
        "mention",
        "status",
        "reblog",
        "follow",
        "follow_request",
        "favourite",
        "poll",
        "update",
        "quote",
        "quoted_update",
        "reply_approved",  # Weft: the author of the post approved one's reply
        "admin.sign_up",
        "admin.report",
    }
)
# Types Mastodon groups in /api/v2/notifications (many people, one post).
GROUPED_NOTIFICATION_TYPES = frozenset({"favourite", "reblog", "follow"})


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_account_id_id", "account_id", "id"),
        # The same event never notifies twice (jobs run at least once).
        Index("ix_notifications_dedupe", "account_id", "dedupe_key", unique=True),
    )

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # mention | status | reblog | follow | follow_request | favourite | update | quote | ...
    type: Mapped[str] = mapped_column(String(32))
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), index=True, default=None
    )
    group_key: Mapped[str] = mapped_column(String(100))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    # Kept aside by the recipient's notification policy (migration 0026): shown
    # only under its sender's notification request, until accepted.
    filtered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Marker(Base):
    """Where someone stopped reading a timeline (Mastodon's markers API)."""

    __tablename__ = "markers"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    timeline: Mapped[str] = mapped_column(String(32), primary_key=True)  # home | notifications
    last_read_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
