"""social core

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 00:42:12.876800
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import weft.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
    )
    # Expression index: autogenerate cannot see it.
    op.create_index("ix_tags_name_lower", "tags", [sa.text("lower(name)")], unique=True)
    op.create_table(
        "blocks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_blocks_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["accounts.id"],
            name=op.f("fk_blocks_target_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocks")),
    )
    with op.batch_alter_table("blocks", schema=None) as batch_op:
        batch_op.create_index("ix_blocks_pair", ["account_id", "target_account_id"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_blocks_target_account_id"), ["target_account_id"], unique=False
        )

    op.create_table(
        "follow_requests",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("show_reblogs", sa.Boolean(), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_follow_requests_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["accounts.id"],
            name=op.f("fk_follow_requests_target_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_requests")),
    )
    with op.batch_alter_table("follow_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_follow_requests_pair", ["account_id", "target_account_id"], unique=True
        )
        batch_op.create_index(
            batch_op.f("ix_follow_requests_target_account_id"), ["target_account_id"], unique=False
        )

    op.create_table(
        "follows",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("show_reblogs", sa.Boolean(), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_follows_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["accounts.id"],
            name=op.f("fk_follows_target_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
    )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_index("ix_follows_pair", ["account_id", "target_account_id"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_follows_target_account_id"), ["target_account_id"], unique=False
        )

    op.create_table(
        "markers",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("timeline", sa.String(length=32), nullable=False),
        sa.Column("last_read_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_markers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "timeline", name=op.f("pk_markers")),
    )
    op.create_table(
        "mutes",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("hide_notifications", sa.Boolean(), nullable=False),
        sa.Column("expires_at", weft.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_mutes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["accounts.id"],
            name=op.f("fk_mutes_target_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mutes")),
    )
    with op.batch_alter_table("mutes", schema=None) as batch_op:
        batch_op.create_index("ix_mutes_pair", ["account_id", "target_account_id"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_mutes_target_account_id"), ["target_account_id"], unique=False
        )

    op.create_table(
        "statuses",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("spoiler_text", sa.Text(), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("in_reply_to_id", sa.BigInteger(), nullable=True),
        sa.Column("in_reply_to_account_id", sa.BigInteger(), nullable=True),
        sa.Column("conversation_id", sa.BigInteger(), nullable=True),
        sa.Column("reblog_of_id", sa.BigInteger(), nullable=True),
        sa.Column("quote_of_id", sa.BigInteger(), nullable=True),
        sa.Column("quote_state", sa.String(length=16), nullable=True),
        sa.Column("quote_policy", sa.String(length=16), nullable=False),
        sa.Column("reply_policy", sa.String(length=16), nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=True),
        sa.Column("replies_count", sa.Integer(), nullable=False),
        sa.Column("reblogs_count", sa.Integer(), nullable=False),
        sa.Column("favourites_count", sa.Integer(), nullable=False),
        sa.Column("quotes_count", sa.Integer(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", weft.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_statuses_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["oauth_applications.id"],
            name=op.f("fk_statuses_application_id_oauth_applications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to_account_id"],
            ["accounts.id"],
            name=op.f("fk_statuses_in_reply_to_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to_id"],
            ["statuses.id"],
            name=op.f("fk_statuses_in_reply_to_id_statuses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["quote_of_id"],
            ["statuses.id"],
            name=op.f("fk_statuses_quote_of_id_statuses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reblog_of_id"],
            ["statuses.id"],
            name=op.f("fk_statuses_reblog_of_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuses")),
        sa.UniqueConstraint("uri", name=op.f("uq_statuses_uri")),
    )
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.create_index("ix_statuses_account_id_id", ["account_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_statuses_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statuses_in_reply_to_id"), ["in_reply_to_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_statuses_quote_of_id"), ["quote_of_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_statuses_reblog_of_id"), ["reblog_of_id"], unique=False
        )
        batch_op.create_index(
            "ix_statuses_reblog_once",
            ["account_id", "reblog_of_id"],
            unique=True,
            sqlite_where=sa.text("reblog_of_id IS NOT NULL"),
            postgresql_where=sa.text("reblog_of_id IS NOT NULL"),
        )
        batch_op.create_index("ix_statuses_visibility_id", ["visibility", "id"], unique=False)

    op.create_table(
        "bookmarks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_bookmarks_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_bookmarks_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookmarks")),
    )
    with op.batch_alter_table("bookmarks", schema=None) as batch_op:
        batch_op.create_index("ix_bookmarks_pair", ["account_id", "status_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_bookmarks_status_id"), ["status_id"], unique=False)

    op.create_table(
        "favourites",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_favourites_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_favourites_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_favourites")),
    )
    with op.batch_alter_table("favourites", schema=None) as batch_op:
        batch_op.create_index("ix_favourites_pair", ["account_id", "status_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_favourites_status_id"), ["status_id"], unique=False)

    op.create_table(
        "home_feed_entries",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("reblog_of_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_home_feed_entries_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_home_feed_entries_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "status_id", name=op.f("pk_home_feed_entries")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_idempotency_keys_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_idempotency_keys_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "mentions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("silent", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_mentions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_mentions_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentions_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            "ix_mentions_status_account", ["status_id", "account_id"], unique=True
        )

    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("from_account_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=True),
        sa.Column("group_key", sa.String(length=100), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_notifications_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_account_id"],
            ["accounts.id"],
            name=op.f("fk_notifications_from_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_notifications_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_account_id_id", ["account_id", "id"], unique=False)
        batch_op.create_index("ix_notifications_dedupe", ["account_id", "dedupe_key"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_notifications_from_account_id"), ["from_account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_status_id"), ["status_id"], unique=False)

    op.create_table(
        "status_edits",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("spoiler_text", sa.Text(), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_status_edits_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_status_edits_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_edits")),
    )
    with op.batch_alter_table("status_edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_edits_status_id"), ["status_id"], unique=False)

    op.create_table(
        "status_pins",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_status_pins_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_status_pins_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_pins")),
    )
    with op.batch_alter_table("status_pins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_pins_account_status", ["account_id", "status_id"], unique=True
        )

    op.create_table(
        "status_tags",
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name=op.f("fk_status_tags_status_id_statuses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_status_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("status_id", "tag_id", name=op.f("pk_status_tags")),
    )
    with op.batch_alter_table("status_tags", schema=None) as batch_op:
        batch_op.create_index("ix_status_tags_tag_status", ["tag_id", "status_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("status_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_status_tags_tag_status")

    op.drop_table("status_tags")
    with op.batch_alter_table("status_pins", schema=None) as batch_op:
        batch_op.drop_index("ix_status_pins_account_status")

    op.drop_table("status_pins")
    with op.batch_alter_table("status_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_edits_status_id"))

    op.drop_table("status_edits")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_status_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_from_account_id"))
        batch_op.drop_index("ix_notifications_dedupe")
        batch_op.drop_index("ix_notifications_account_id_id")

    op.drop_table("notifications")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_status_account")
        batch_op.drop_index(batch_op.f("ix_mentions_account_id"))

    op.drop_table("mentions")
    op.drop_table("idempotency_keys")
    op.drop_table("home_feed_entries")
    with op.batch_alter_table("favourites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_favourites_status_id"))
        batch_op.drop_index("ix_favourites_pair")

    op.drop_table("favourites")
    with op.batch_alter_table("bookmarks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookmarks_status_id"))
        batch_op.drop_index("ix_bookmarks_pair")

    op.drop_table("bookmarks")
    with op.batch_alter_table("statuses", schema=None) as batch_op:
        batch_op.drop_index("ix_statuses_visibility_id")
        batch_op.drop_index(
            "ix_statuses_reblog_once",
            sqlite_where=sa.text("reblog_of_id IS NOT NULL"),
            postgresql_where=sa.text("reblog_of_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_statuses_reblog_of_id"))
        batch_op.drop_index(batch_op.f("ix_statuses_quote_of_id"))
        batch_op.drop_index(batch_op.f("ix_statuses_in_reply_to_id"))
        batch_op.drop_index(batch_op.f("ix_statuses_conversation_id"))
        batch_op.drop_index("ix_statuses_account_id_id")

    op.drop_table("statuses")
    with op.batch_alter_table("mutes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mutes_target_account_id"))
        batch_op.drop_index("ix_mutes_pair")

    op.drop_table("mutes")
    op.drop_table("markers")
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follows_target_account_id"))
        batch_op.drop_index("ix_follows_pair")

    op.drop_table("follows")
    with op.batch_alter_table("follow_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_requests_target_account_id"))
        batch_op.drop_index("ix_follow_requests_pair")

    op.drop_table("follow_requests")
    with op.batch_alter_table("blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocks_target_account_id"))
        batch_op.drop_index("ix_blocks_pair")

    op.drop_table("blocks")
    op.drop_table("tags")
