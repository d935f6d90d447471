"""chats: one-to-one and group chats, members, messages, reactions (issue 17)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-20 09:00:00.000000

- ``chats``, ``chat_members``, ``chat_messages``, ``chat_reactions``
  (weft/models/chats.py; docs/decisions/0034-chats.md);
- ``media_attachments.chat_message_id``: a message's photos and videos;
- ``users.chat_policy``: who may message them (everyone | following | nobody).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
FK = "fk_media_attachments_chat_message_id_chat_messages"
INDEX = "ix_media_attachments_chat_message_id"


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("pair_key", sa.String(length=48), nullable=True),
        sa.Column("last_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        _fk("chats", "created_by_id", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_chats"),
        sa.UniqueConstraint("pair_key", name="uq_chats_pair_key"),
    )
    op.create_table(
        "chat_members",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", UTC_TIME, nullable=False),
        sa.Column("joined_after_id", sa.BigInteger(), nullable=False),
        sa.Column("left_at_id", sa.BigInteger(), nullable=True),
        sa.Column("left_at", UTC_TIME, nullable=True),
        sa.Column("removed_by_id", sa.BigInteger(), nullable=True),
        sa.Column("folder", sa.String(length=16), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("last_read_id", sa.BigInteger(), nullable=False),
        sa.Column("hidden_through_id", sa.BigInteger(), nullable=False),
        _fk("chat_members", "chat_id", "chats", "CASCADE"),
        _fk("chat_members", "account_id", "accounts", "CASCADE"),
        _fk("chat_members", "removed_by_id", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_chat_members"),
        sa.UniqueConstraint("chat_id", "account_id", name="uq_chat_members_chat_id_account_id"),
    )
    op.create_index("ix_chat_members_account_id_folder", "chat_members", ["account_id", "folder"])
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("reply_to_id", sa.BigInteger(), nullable=True),
        sa.Column("status_id", sa.BigInteger(), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("edited_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _fk("chat_messages", "chat_id", "chats", "CASCADE"),
        _fk("chat_messages", "account_id", "accounts", "CASCADE"),
        _fk("chat_messages", "reply_to_id", "chat_messages", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_chat_messages"),
        sa.UniqueConstraint("status_id", name="uq_chat_messages_status_id"),
        sa.UniqueConstraint("uri", name="uq_chat_messages_uri"),
    )
    op.create_index("ix_chat_messages_chat_id_id", "chat_messages", ["chat_id", "id"])
    op.create_index("ix_chat_messages_account_id", "chat_messages", ["account_id"])
    op.create_table(
        "chat_reactions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("emoji", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _fk("chat_reactions", "message_id", "chat_messages", "CASCADE"),
        _fk("chat_reactions", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_chat_reactions"),
        sa.UniqueConstraint(
            "message_id", "account_id", name="uq_chat_reactions_message_id_account_id"
        ),
    )
    # Plain ADD COLUMN (see 0004, 0015): batch mode would drop SQLite's expression indexes.
    op.add_column(
        "users",
        sa.Column("chat_policy", sa.String(length=16), nullable=False, server_default="everyone"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds no constraint to an existing table: the reference goes inline.
        op.execute(
            "ALTER TABLE media_attachments ADD COLUMN chat_message_id BIGINT "
            "REFERENCES chat_messages (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("media_attachments", sa.Column("chat_message_id", sa.BigInteger()))
        op.create_foreign_key(
            FK,
            "media_attachments",
            "chat_messages",
            ["chat_message_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(INDEX, "media_attachments", ["chat_message_id"])


def downgrade() -> None:
    op.drop_index(INDEX, "media_attachments")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FK, "media_attachments", type_="foreignkey")
    op.drop_column("media_attachments", "chat_message_id")
    op.drop_column("users", "chat_policy")
    op.drop_table("chat_reactions")
    op.drop_index("ix_chat_messages_account_id", "chat_messages")
    op.drop_index("ix_chat_messages_chat_id_id", "chat_messages")
    op.drop_table("chat_messages")
    op.drop_index("ix_chat_members_account_id_folder", "chat_members")
    op.drop_table("chat_members")
    op.drop_table("chats")
