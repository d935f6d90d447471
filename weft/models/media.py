"""Uploaded and remote media, and link preview cards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow

# Mastodon's attachment types.
MEDIA_TYPES = ("image", "gifv", "video", "audio", "unknown")
# processing -> ready | failed
MEDIA_STATES = ("processing", "ready", "failed")


class MediaAttachment(Base):
    __tablename__ = "media_attachments"
    __table_args__ = (Index("ix_media_attachments_status_position", "status_id", "position"),)

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # Empty until a post takes it; unattached uploads are removed after a day.
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None
    )
    # An edit took it off this post: not shown with the post any more, kept
    # for the post's history (``StatusEdit.media``) until the post goes.
    former_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), default=None, index=True
    )
    # Held by a draft or a scheduled post (migration 0015): not swept.
    scheduled_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("scheduled_statuses.id", ondelete="SET NULL"), index=True, default=None
    )
    # Attached to a chat message (migration 0018; weft/actions/chats/).
    chat_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_messages.id", ondelete="SET NULL"), index=True, default=None
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[str] = mapped_column(String(16), default="unknown")
    state: Mapped[str] = mapped_column(String(16), default="processing")
    processing_error: Mapped[str | None] = mapped_column(Text, default=None)
    content_type: Mapped[str | None] = mapped_column(String(100), default=None)
    # Storage keys (weft/media/storage.py): the upload as received (deleted
    # after processing), the served file, its preview (thumbnail or poster).
    upload_key: Mapped[str | None] = mapped_column(Text, default=None)
    file_key: Mapped[str | None] = mapped_column(Text, default=None)
    thumbnail_key: Mapped[str | None] = mapped_column(Text, default=None)
    file_size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # Mastodon's `meta`: original/small sizes, duration, fps, focus, ...
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    blurhash: Mapped[str | None] = mapped_column(String(100), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    focus_x: Mapped[float] = mapped_column(Float, default=0.0)
    focus_y: Mapped[float] = mapped_column(Float, default=0.0)
    remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(default=None)


class PreviewCard(Base):
    """What a link looks like (OpenGraph / oEmbed), fetched once per URL."""

    __tablename__ = "preview_cards"

    id: Mapped[int] = snowflake_pk()
    url: Mapped[str] = mapped_column(Text, unique=True)
    # pending -> ready | failed (a failed card is not retried until `fetched_at` ages)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    type: Mapped[str] = mapped_column(String(16), default="link")  # link | photo | video | rich
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    provider_name: Mapped[str] = mapped_column(Text, default="")
    provider_url: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str] = mapped_column(Text, default="")
    author_url: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")  # sanitized oEmbed embed
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    image_key: Mapped[str | None] = mapped_column(Text, default=None)
    image_description: Mapped[str] = mapped_column(Text, default="")
    blurhash: Mapped[str | None] = mapped_column(String(100), default=None)
    embed_url: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusCard(Base):
    """The card of a post: its first link's (none when the post has media)."""

    __tablename__ = "status_cards"

    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    card_id: Mapped[int] = mapped_column(
        ForeignKey("preview_cards.id", ondelete="CASCADE"), index=True
    )
