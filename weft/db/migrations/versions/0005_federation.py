"""federation

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 02:17:58.392943
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import weft.models.base

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
URI_TABLES = ("follows", "follow_requests", "blocks", "favourites")

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "domain_blocks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("reject_media", sa.Boolean(), nullable=False),
        sa.Column("reject_reports", sa.Boolean(), nullable=False),
        sa.Column("public_comment", sa.Text(), nullable=False),
        sa.Column("private_comment", sa.Text(), nullable=False),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_blocks")),
        sa.UniqueConstraint("domain", name=op.f("uq_domain_blocks_domain")),
    )
    op.create_table(
        "federated_servers",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", weft.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", weft.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("retry_after", weft.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", weft.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("software", sa.String(length=100), nullable=True),
        sa.Column("created_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_federated_servers")),
    )
    op.create_table(
        "inbound_activities",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("actor_uri", sa.Text(), nullable=False),
        sa.Column("received_at", weft.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", weft.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_activities")),
        sa.UniqueConstraint("uri", name=op.f("uq_inbound_activities_uri")),
    )
    with op.batch_alter_table("inbound_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_activities_received_at"), ["received_at"], unique=False
        )

    # Plain ADD COLUMN (see 0004): batch mode would drop SQLite's expression indexes.
    op.add_column("accounts", sa.Column("moved_to_account_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "accounts",
        sa.Column("also_known_as", JSON_TYPE, nullable=False, server_default="[]"),
    )
    if op.get_bind().dialect.name != "sqlite":
        # SQLite cannot add a constraint to an existing table without rebuilding it.
        op.create_foreign_key(
            op.f("fk_accounts_moved_to_account_id_accounts"),
            "accounts",
            "accounts",
            ["moved_to_account_id"],
            ["id"],
            ondelete="SET NULL",
        )
    for table in URI_TABLES:
        op.add_column(table, sa.Column("uri", sa.Text(), nullable=True))
        op.create_index(op.f(f"ix_{table}_uri"), table, ["uri"], unique=True)


def downgrade() -> None:
    for table in reversed(URI_TABLES):
        op.drop_index(op.f(f"ix_{table}_uri"), table_name=table)
        op.drop_column(table, "uri")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("fk_accounts_moved_to_account_id_accounts"), "accounts", type_="foreignkey"
        )
    op.drop_column("accounts", "also_known_as")
    op.drop_column("accounts", "moved_to_account_id")

    with op.batch_alter_table("inbound_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_activities_received_at"))

    op.drop_table("inbound_activities")
    op.drop_table("federated_servers")
    op.drop_table("domain_blocks")
