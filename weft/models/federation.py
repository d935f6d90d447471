"""What federation remembers: activities already seen, other servers' health, domain blocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow

# Domain block severities: "limit" hides the server's accounts from public
# feeds and from people who don't follow them; "suspend" refuses everything.
DOMAIN_BLOCK_SEVERITIES = ("limit", "suspend")


class InboundActivity(Base):
    """One row per incoming activity id, written with the job that processes it.

    The inbox answers 202 once this row and its job are committed; an id seen
    before is acknowledged and not processed again.
    """

    __tablename__ = "inbound_activities"

    id: Mapped[int] = snowflake_pk()
    uri: Mapped[str] = mapped_column(Text, unique=True)
    type: Mapped[str] = mapped_column(String(64))
    actor_uri: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    processed_at: Mapped[datetime | None] = mapped_column(default=None)


class FederatedServer(Base):
    """Another server, as deliveries to it have gone: one dead server slows nobody else."""

    __tablename__ = "federated_servers"

    domain: Mapped[str] = mapped_column(String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive
    first_failure_at: Mapped[datetime | None] = mapped_column(default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # While set and in the future, deliveries wait instead of trying.
    retry_after: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    software: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DomainBlock(Base):
    """A server-wide block on another server (and its subdomains)."""

    __tablename__ = "domain_blocks"

    id: Mapped[int] = snowflake_pk()
    domain: Mapped[str] = mapped_column(String(255), unique=True)  # lower-case
    severity: Mapped[str] = mapped_column(String(16), default="suspend")
    reject_media: Mapped[bool] = mapped_column(Boolean, default=False)
    reject_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    public_comment: Mapped[str] = mapped_column(Text, default="")
    private_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
