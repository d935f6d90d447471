"""inbound federation: key ids of remote actors, reports

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 03:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import weft.models.base

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0004): batch mode would drop SQLite's expression indexes.
    op.add_column("accounts", sa.Column("public_key_id", sa.Text(), nullable=True))
    op.create_index(op.f("ix_accounts_public_key_id"), "accounts", ["public_key_id"], unique=False)
    op.create_table(
        "reports",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("status_ids", JSON_TYPE, nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("action_taken_at", weft.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_reports_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["accounts.id"],
            name=op.f("fk_reports_target_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("uri", name=op.f("uq_reports_uri")),
    )
    op.create_index(
        op.f("ix_reports_target_account_id"), "reports", ["target_account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reports_target_account_id"), table_name="reports")
    op.drop_table("reports")
    op.drop_index(op.f("ix_accounts_public_key_id"), table_name="accounts")
    op.drop_column("accounts", "public_key_id")
