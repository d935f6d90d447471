"""actors

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 01:41:18.006087
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import weft.models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN, not batch mode: SQLite's batch mode rebuilds the
# table and would drop its expression indexes (case-insensitive usernames).
COLUMNS = [
    sa.Column("actor_type", sa.String(length=16), nullable=False, server_default="Person"),
    sa.Column("public_key_pem", sa.Text(), nullable=True),
    sa.Column("private_key_pem", sa.Text(), nullable=True),
    sa.Column("inbox_url", sa.Text(), nullable=True),
    sa.Column("shared_inbox_url", sa.Text(), nullable=True),
    sa.Column("outbox_url", sa.Text(), nullable=True),
    sa.Column("followers_url", sa.Text(), nullable=True),
    sa.Column("following_url", sa.Text(), nullable=True),
    sa.Column("featured_url", sa.Text(), nullable=True),
    sa.Column("federated", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("fetched_at", weft.models.base.UTCDateTime(timezone=True), nullable=True),
]


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("accounts", column)


def downgrade() -> None:
    for column in reversed(COLUMNS):
        op.drop_column("accounts", column.name)
