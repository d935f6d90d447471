"""Chats: one-to-one and group conversations, their members, messages and reactions.

Messages are rows of their own, never statuses (docs/decisions/0034): no
status-listing query can reach them. A message that arrived as a direct
post (a Mastodon app, another server) keeps that post's id in ``status_id``;
ids of both come from one Snowflake generator, so they never collide.

What a member may read is a window of message ids (``weft.policies.chats``):
after ``joined_after_id``, up to ``left_at_id`` when they left or were
removed, and past ``hidden_through_id`` (their own "delete for me").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow

FOLDERS = ("inbox", "requests", "spam")
ROLES = ("admin", "member")


class Chat(Base):
    __tablename__ = "chats"

    id: Mapped[int] = snowflake_pk()
    name: Mapped[str | None] = mapped_column(String(100), default=None)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    # One-to-one chats: "<smaller account id>:<larger>", unique, so a pair has one chat.
    pair_key: Mapped[str | None] = mapped_column(String(48), default=None, unique=True)
    # The newest message (no foreign key: a message's deletion moves it by hand).
    last_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatMember(Base):
    __tablename__ = "chat_members"
    __table_args__ = (
        UniqueConstraint("chat_id", "account_id"),
        Index("ix_chat_members_account_id_folder", "account_id", "folder"),
    )

    id: Mapped[int] = snowflake_pk()
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="member")  # admin | member
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Reads the messages after this id (a Snowflake made when they joined; 0: all).
    joined_after_id: Mapped[int] = mapped_column(BigInteger, default=0)
    # Left or removed: reads nothing after this id (a Snowflake made then).
    left_at_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    left_at: Mapped[datetime | None] = mapped_column(default=None)
    removed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    folder: Mapped[str] = mapped_column(String(16), default="inbox")  # inbox | requests | spam
    accepted: Mapped[bool] = mapped_column(Boolean, default=True)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    # "Delete for me" (and a declined request): messages up to here are gone for them.
    hidden_through_id: Mapped[int] = mapped_column(BigInteger, default=0)


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_chat_id_id", "chat_id", "id"),)

    id: Mapped[int] = snowflake_pk()
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")  # sanitized HTML
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_messages.id", ondelete="SET NULL"), default=None
    )
    # The direct post this message is, when it came as one (a Mastodon app,
    # another server): the Mastodon door and federation find it by it.
    status_id: Mapped[int | None] = mapped_column(BigInteger, default=None, unique=True)
    uri: Mapped[str | None] = mapped_column(Text, default=None, unique=True)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatReaction(Base):
    """One emoji per person per message (a new one replaces the old)."""

    __tablename__ = "chat_reactions"
    __table_args__ = (UniqueConstraint("message_id", "account_id"),)

    id: Mapped[int] = snowflake_pk()
    message_id: Mapped[int] = mapped_column(ForeignKey("chat_messages.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    emoji: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
