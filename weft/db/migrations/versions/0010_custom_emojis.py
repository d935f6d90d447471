"""custom emoji: the remote emoji a post or a profile shows

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 10:00:00.000000

``statuses.emojis`` and ``accounts.emojis`` hold the custom emoji of other
servers that the post's text, or the account's name, bio and fields, use:
``[{"shortcode": "rainbow", "url": "https://…/rainbow.png"}]``, read from the
object's ``Emoji`` tags and replaced whole by each edit or profile update
(docs/decisions/0025-reading-other-objects.md). The domain is the author's.
Kept on the row, so the version triggers of 0008 move with them and cached
entities stay right.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TABLES = ("statuses", "accounts")


def upgrade() -> None:
    # Plain ADD COLUMN (see 0004): batch mode would drop SQLite's expression indexes.
    for table in TABLES:
        op.add_column(table, sa.Column("emojis", JSON_TYPE, nullable=False, server_default="[]"))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "emojis")
