"""Posts not yet published: drafts and scheduled posts (Mastodon's ScheduledStatus).

One table holds both: a draft has no ``scheduled_at``; a scheduled post is
published by the ``statuses.publish_scheduled`` job due then
(``weft.actions.drafts``). ``params`` are the parameters it was made with,
as ``weft.actions.drafts.draft_params`` writes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class ScheduledStatus(Base):
    __tablename__ = "scheduled_statuses"
    __table_args__ = (
        Index("ix_scheduled_statuses_account_id_scheduled_at", "account_id", "scheduled_at"),
    )

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    scheduled_at: Mapped[datetime | None] = mapped_column(default=None)  # None: a draft
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Why it could not be published when its time came (it is a draft again).
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
