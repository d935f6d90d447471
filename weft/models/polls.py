"""Polls (Mastodon's polls, ActivityPub's ``Question``) and their votes.

A poll belongs to one post. Its tallies are kept on its row, changed only
while the row is locked (``weft.actions.polls``), so concurrent votes never
lose a count; an update of the row moves the post's version (migration 0013),
so cached entities show the new counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[int] = snowflake_pk()
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), unique=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    options: Mapped[list[Any]] = mapped_column()  # the titles, in order
    tallies: Mapped[list[Any]] = mapped_column()  # votes per option, same order
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_totals: Mapped[bool] = mapped_column(Boolean, default=False)
    votes_count: Mapped[int] = mapped_column(Integer, default=0)
    voters_count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the pending ``polls.send_results`` job is due (migration 0019): votes
    # are sent to other servers at most once per interval; None: none pending.
    results_due_at: Mapped[datetime | None] = mapped_column(default=None)


class PollVote(Base):
    """One choice of one voter: a multiple-choice vote is a row per option, as
    Mastodon sends it (one ``Note`` per option)."""

    __tablename__ = "poll_votes"
    __table_args__ = (
        Index("ix_poll_votes_poll_account_choice", "poll_id", "account_id", "choice", unique=True),
    )

    id: Mapped[int] = snowflake_pk()
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[int] = mapped_column(Integer)
    # Another server's vote: its Note's id (ours are <actor>#votes/<id>).
    uri: Mapped[str | None] = mapped_column(Text, unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
