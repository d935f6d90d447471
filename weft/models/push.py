"""Web push subscriptions (Mastodon's ``/api/v1/push/subscription``).

One per access token (a new one replaces the old, as Mastodon does), or one
per signed-in browser of the web app; removed with its token or session, and
when its push service answers 404 or 410.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class PushSubscription(Base):
    __tablename__ = "push_subscriptions"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_access_tokens.id", ondelete="CASCADE"), unique=True, default=None
    )
    web_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("web_sessions.id", ondelete="CASCADE"), unique=True, default=None
    )
    endpoint: Mapped[str] = mapped_column(Text)
    key_p256dh: Mapped[str] = mapped_column(String(128))
    key_auth: Mapped[str] = mapped_column(String(64))
    # Notification type -> wanted (Mastodon's ``alerts``).
    alerts: Mapped[dict[str, Any]] = mapped_column()
    # Whose notifications are pushed: all, followed, follower, none.
    policy: Mapped[str] = mapped_column(String(16), default="all")
    standard: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
