"""A person's filters (Mastodon's filters v2; the web's hidden words).

One store for both: a ``Filter`` has a title, the contexts it applies in
(``home``, ``notifications``, ``public``, ``thread``, ``account``), an action
(``warn``, ``hide``, ``blur``), an optional expiry, keywords and posts. The
web's "Hidden words" are the keywords of the person's filter marked
``hidden_words`` (made on the first word added). ``FilterState`` holds a
version moved by every change (so each process recompiles a viewer's
matchers only when it moved) and whether the shipped offensive-word list is
applied (on unless turned off: no row means on).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow

CONTEXTS = ("home", "notifications", "public", "thread", "account")
ACTIONS = ("warn", "hide", "blur")
MAX_TITLE = 200
MAX_KEYWORD = 200


class Filter(Base):
    __tablename__ = "filters"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    context: Mapped[list[Any]] = mapped_column()
    action: Mapped[str] = mapped_column(String(8), default="warn")
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # The web's hidden words: at most one per person.
    hidden_words: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FilterKeyword(Base):
    __tablename__ = "filter_keywords"

    id: Mapped[int] = snowflake_pk()
    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"), index=True)
    keyword: Mapped[str] = mapped_column(String(MAX_KEYWORD))
    whole_word: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FilterStatus(Base):
    __tablename__ = "filter_statuses"
    __table_args__ = (UniqueConstraint("filter_id", "status_id"),)

    id: Mapped[int] = snowflake_pk()
    filter_id: Mapped[int] = mapped_column(ForeignKey("filters.id", ondelete="CASCADE"), index=True)
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FilterState(Base):
    __tablename__ = "filter_states"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    offensive_words: Mapped[bool] = mapped_column(Boolean, default=True)
