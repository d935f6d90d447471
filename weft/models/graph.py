"""Who follows, asks to follow, blocks and mutes whom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class Follow(Base):
    __tablename__ = "follows"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ActivityPub id of the activity that made it (theirs or ours), for Undo.
    uri: Mapped[str | None] = mapped_column(Text, default=None, unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowRequest(Base):
    """A follow waiting for a private profile's approval."""

    __tablename__ = "follow_requests"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    show_reblogs: Mapped[bool] = mapped_column(Boolean, default=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ActivityPub id of the activity that made it (theirs or ours), for Undo.
    uri: Mapped[str | None] = mapped_column(Text, default=None, unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Block(Base):
    __tablename__ = "blocks"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # The ActivityPub id of the activity that made it (theirs or ours), for Undo.
    uri: Mapped[str | None] = mapped_column(Text, default=None, unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Mute(Base):
    __tablename__ = "mutes"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    hide_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


for _model in (Follow, FollowRequest, Block, Mute):
    Index(
        f"ix_{_model.__tablename__}_pair",
        _model.account_id,
        _model.target_account_id,
        unique=True,
    )


class Restrict(Base):
    """The owner restricts the target (Weft's extension, migration 0026): the
    target's replies to the owner's posts are seen by the target alone, they
    notify nobody, and the target's chats land in the owner's requests. The
    target is not told."""

    __tablename__ = "restricts"
    __table_args__ = (Index("ix_restricts_pair", "account_id", "target_account_id", unique=True),)

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountNote(Base):
    """A person's private note on an account (Mastodon's ``note`` on a Relationship)."""

    __tablename__ = "account_notes"
    __table_args__ = (
        Index("ix_account_notes_pair", "account_id", "target_account_id", unique=True),
    )

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
