"""The durable job queue: one row per job, written in the transaction that needs it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow

# States: pending -> running -> (deleted when done) | pending again (retry) | dead.
PENDING = "pending"
RUNNING = "running"
DEAD = "dead"


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_at", "state", "run_at"),)

    id: Mapped[int] = snowflake_pk()
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=10)
    # A job older than this many seconds is not retried again (it goes dead).
    max_age_seconds: Mapped[int] = mapped_column(Integer, default=7 * 24 * 3600)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(100), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    dead_at: Mapped[datetime | None] = mapped_column(default=None)
