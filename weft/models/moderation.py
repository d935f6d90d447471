"""Reports: someone asks the moderators of this server to look at an account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class Report(Base):
    """A report, from a local person or forwarded by another server (a Flag).

    A Flag names its sender as the reporting account: Mastodon sends them from
    its instance actor, so the reporter is a server, not a person.
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
    # The Flag's id, when the report came from another server.
    uri: Mapped[str | None] = mapped_column(Text, default=None, unique=True)
    action_taken_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
