"""filters: a person's filters and hidden words (Mastodon's filters v2)

Revision ID: 0024
Revises: 0017
Create Date: 2027-01-10 09:00:00.000000

- ``filters``: title, contexts, action (warn, hide, blur), expiry; one of a
  person's may be their web "Hidden words".
- ``filter_keywords``, ``filter_statuses``: what a filter matches.
- ``filter_states``: per person, a version moved by every change to their
  filters, and whether the shipped offensive-word list applies (no row: on).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0024"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "filters",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("context", JSON_TYPE, nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("hidden_words", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_filters_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_filters"),
    )
    op.create_index("ix_filters_account_id", "filters", ["account_id"])
    op.create_table(
        "filter_keywords",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("filter_id", sa.BigInteger(), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("whole_word", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["filter_id"],
            ["filters.id"],
            name="fk_filter_keywords_filter_id_filters",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_filter_keywords"),
    )
    op.create_index("ix_filter_keywords_filter_id", "filter_keywords", ["filter_id"])
    op.create_table(
        "filter_statuses",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("filter_id", sa.BigInteger(), nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["filter_id"],
            ["filters.id"],
            name="fk_filter_statuses_filter_id_filters",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_id"],
            ["statuses.id"],
            name="fk_filter_statuses_status_id_statuses",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_filter_statuses"),
        sa.UniqueConstraint(
            "filter_id", "status_id", name="uq_filter_statuses_filter_id_status_id"
        ),
    )
    op.create_index("ix_filter_statuses_filter_id", "filter_statuses", ["filter_id"])
    op.create_index("ix_filter_statuses_status_id", "filter_statuses", ["status_id"])
    op.create_table(
        "filter_states",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("offensive_words", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_filter_states_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name="pk_filter_states"),
    )


def downgrade() -> None:
    op.drop_table("filter_states")
    op.drop_index("ix_filter_statuses_status_id", table_name="filter_statuses")
    op.drop_index("ix_filter_statuses_filter_id", table_name="filter_statuses")
    op.drop_table("filter_statuses")
    op.drop_index("ix_filter_keywords_filter_id", table_name="filter_keywords")
    op.drop_table("filter_keywords")
    op.drop_index("ix_filters_account_id", table_name="filters")
    op.drop_table("filters")
