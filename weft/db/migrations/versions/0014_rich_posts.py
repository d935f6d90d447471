"""rich posts: spoilers, text attachments and topics (Threads' posts)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-12 09:00:00.000000

- ``statuses.text_entities``: the spoiler ranges over the text,
  ``[{"entity_type": "spoiler", "offset": n, "length": n}]`` in code points.
- ``statuses.is_spoiler_media``: the media is blurred until tapped.
- ``statuses.text_attachment``: one long text, ``{"plaintext": ...,
  "link_attachment_url": ..., "text_with_styling_info": [...]}``, or null.
- ``statuses.topic_tag_id``: the post's one topic (a row of ``tags``, as
  hashtags are), indexed with the id for a topic's page.
- ``followed_tags``: the hashtags and topics a person follows.

These are columns of ``statuses``, so 0008's triggers move a post's version
when they change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN (see 0004): batch mode would drop SQLite's expression indexes.
    op.add_column(
        "statuses", sa.Column("text_entities", JSON_TYPE, nullable=False, server_default="[]")
    )
    op.add_column(
        "statuses",
        sa.Column("is_spoiler_media", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("statuses", sa.Column("text_attachment", JSON_TYPE, nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column's foreign key only inline, in ADD COLUMN itself.
        op.execute(
            "ALTER TABLE statuses ADD COLUMN topic_tag_id BIGINT "
            "REFERENCES tags (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("statuses", sa.Column("topic_tag_id", sa.BigInteger(), nullable=True))
        op.create_foreign_key(
            "fk_statuses_topic_tag_id_tags",
            "statuses",
            "tags",
            ["topic_tag_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index("ix_statuses_topic_tag_id_id", "statuses", ["topic_tag_id", "id"])
    op.create_table(
        "followed_tags",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_followed_tags_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name="fk_followed_tags_tag_id_tags", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_followed_tags"),
    )
    op.create_index(
        "ix_followed_tags_account_tag", "followed_tags", ["account_id", "tag_id"], unique=True
    )
    op.create_index("ix_followed_tags_tag_id", "followed_tags", ["tag_id"])


def downgrade() -> None:
    op.drop_index("ix_followed_tags_tag_id", table_name="followed_tags")
    op.drop_index("ix_followed_tags_account_tag", table_name="followed_tags")
    op.drop_table("followed_tags")
    op.drop_index("ix_statuses_topic_tag_id_id", table_name="statuses")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_statuses_topic_tag_id_tags", "statuses", type_="foreignkey")
    for column in ("topic_tag_id", "text_attachment", "is_spoiler_media", "text_entities"):
        op.drop_column("statuses", column)
