"""Posts (statuses), their edits, mentions, hashtags, pins and idempotency keys.

A repost is a status of its own whose ``reblog_of_id`` points at the original,
as in Mastodon: it has an id in timelines, an author, and a visibility.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow

# Visibility, as Mastodon names it: public, unlisted ("quiet public"),
# private (followers only), direct (mentioned only).
VISIBILITIES = ("public", "unlisted", "private", "direct")
# Who may quote a post (Mastodon's quote_approval_policy).
QUOTE_POLICIES = ("public", "followers", "nobody")
# Who may reply (Weft's reply controls).
REPLY_POLICIES = ("everyone", "following", "mentioned", "followers", "author")
# Threads' reply_control values, accepted beside Weft's names (migration 0016).
REPLY_CONTROLS = {
    "everyone": "everyone",
    "accounts_you_follow": "following",
    "mentioned_only": "mentioned",
    "parent_post_author_only": "author",
    "followers_only": "followers",
}
# A reply waiting for its parent's author (``Status.reply_state``).
REPLY_STATES = ("pending", "ignored")


class Status(Base):
    __tablename__ = "statuses"
    __table_args__ = (
        Index("ix_statuses_account_id_id", "account_id", "id"),
        Index("ix_statuses_visibility_id", "visibility", "id"),
        Index("ix_statuses_topic_tag_id_id", "topic_tag_id", "id"),
        # One repost per person per post.
        Index(
            "ix_statuses_reblog_once",
            "account_id",
            "reblog_of_id",
            unique=True,
            sqlite_where=text("reblog_of_id IS NOT NULL"),
            postgresql_where=text("reblog_of_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    uri: Mapped[str | None] = mapped_column(Text, unique=True, default=None)
    url: Mapped[str | None] = mapped_column(Text, default=None)
    text: Mapped[str] = mapped_column(Text, default="")  # what the author typed
    content: Mapped[str] = mapped_column(Text, default="")  # rendered, sanitized HTML
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    in_reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), index=True, default=None
    )
    in_reply_to_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    # The id of the thread's first post: a conversation is one index range.
    conversation_id: Mapped[int | None] = mapped_column(index=True, default=None)
    reblog_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), index=True, default=None
    )
    quote_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="SET NULL"), index=True, default=None
    )
    # pending (asked, not yet answered) | accepted | rejected | revoked (the
    # quoted author detached it) | deleted
    quote_state: Mapped[str | None] = mapped_column(String(16), default=None)
    # FEP-044f: the QuoteRequest that asked for this quote (ours or theirs), and
    # the QuoteAuthorization that approved it (another server's) (migration 0011).
    quote_request_uri: Mapped[str | None] = mapped_column(Text, index=True, default=None)
    quote_authorization_uri: Mapped[str | None] = mapped_column(Text, index=True, default=None)
    # Who may quote it at once (``QUOTE_POLICIES``; another server's post may also
    # say "following"), and, for another server's post, who may ask its author.
    quote_policy: Mapped[str] = mapped_column(String(16), default="public")
    quote_manual: Mapped[str | None] = mapped_column(String(16), default=None)
    reply_policy: Mapped[str] = mapped_column(String(16), default="everyone")
    # Replies and archive (migration 0016, weft/actions/replies.py): replies by
    # others wait for the author's approval; this reply waits (``REPLY_STATES``);
    # the conversation's author hid this reply (``hidden_at``) or one above it
    # (``hidden_by_id``, that author, set on the whole subtree); its author
    # archived it. Each narrows who may see the post (weft/policies/statuses.py).
    reply_approvals: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_state: Mapped[str | None] = mapped_column(String(16), default=None)
    hidden_at: Mapped[datetime | None] = mapped_column(default=None)
    hidden_by_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    # A reply by someone the parent's author restricts (migration 0026,
    # weft/actions/restricts.py): seen by its own author alone.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="SET NULL"), default=None
    )
    replies_count: Mapped[int] = mapped_column(Integer, default=0)
    reblogs_count: Mapped[int] = mapped_column(Integer, default=0)
    favourites_count: Mapped[int] = mapped_column(Integer, default=0)
    quotes_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    # A ghost post's end, 24 hours after it was posted (weft/actions/posts/ghosts.py).
    ghost_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # Remote posts: the custom emoji the text uses, [{"shortcode": ..., "url": ...}]
    # (migration 0010; the domain is the author's), replaced by each edit.
    emojis: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    # Threads' rich posts (migration 0014): spoiler ranges over the text
    # ([{"entity_type": "spoiler", "offset": n, "length": n}], code points),
    # media blurred until tapped, one long text attachment, one topic.
    text_entities: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    is_spoiler_media: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    text_attachment: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    topic_tag_id: Mapped[int | None] = mapped_column(
        ForeignKey("tags.id", ondelete="SET NULL"), default=None
    )
    # Kept by database triggers (migration 0008): goes up whenever anything the
    # post's entity shows changes. Never set it; rendered entities are cached by it.
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default=false())


class StatusEdit(Base):
    """One version of a post: the first is written at the first edit, so the
    history always starts with the original."""

    __tablename__ = "status_edits"

    id: Mapped[int] = snowflake_pk()
    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    # The attachments in order, each {"id": ..., "description": ...} (the alt
    # text as it was); None in versions written before they were kept.
    media: Mapped[list[Any] | None] = mapped_column(default=None)
    # The poll as this version showed it, {"options": [titles], "multiple": bool}
    # (migration 0019); None for a version without a poll.
    poll: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Mention(Base):
    __tablename__ = "mentions"

    id: Mapped[int] = snowflake_pk()
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # A mention that does not notify (a reply's inherited mentions, a muted author).
    silent: Mapped[bool] = mapped_column(Boolean, default=False)


Index("ix_mentions_status_account", Mention.status_id, Mention.account_id, unique=True)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = snowflake_pk()
    name: Mapped[str] = mapped_column(String(255))  # as first written; matched lower-cased
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_tags_name_lower", func.lower(Tag.name), unique=True)


class StatusTag(Base):
    __tablename__ = "status_tags"
    __table_args__ = (Index("ix_status_tags_tag_status", "tag_id", "status_id"),)

    status_id: Mapped[int] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class StatusPin(Base):
    __tablename__ = "status_pins"

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_status_pins_account_status", StatusPin.account_id, StatusPin.status_id, unique=True)


class IdempotencyKey(Base):
    """``Idempotency-Key`` of a post request: the same key never makes two posts."""

    __tablename__ = "idempotency_keys"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowedTag(Base):
    """A hashtag or topic someone follows: its posts come into their Home."""

    __tablename__ = "followed_tags"
    __table_args__ = (Index("ix_followed_tags_account_tag", "account_id", "tag_id", unique=True),)

    id: Mapped[int] = snowflake_pk()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
