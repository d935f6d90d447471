"""two-factor sign-in: TOTP secrets and backup codes

Revision ID: 0025
Revises: 0017
Create Date: 2026-12-20 09:00:00.000000

- ``two_factor_secrets``: a person's TOTP secret, sealed under the server's
  key, when it was confirmed, and the last time step accepted (no replays).
- ``two_factor_backup_codes``: ten single-use codes per person, as keyed hashes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "two_factor_secrets",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("sealed_secret", sa.Text(), nullable=False),
        sa.Column("enabled_at", UTC_TIME, nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_two_factor_secrets_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_two_factor_secrets"),
    )
    op.create_table(
        "two_factor_backup_codes",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_two_factor_backup_codes_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_two_factor_backup_codes"),
    )
    op.create_index("ix_two_factor_backup_codes_user_id", "two_factor_backup_codes", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_two_factor_backup_codes_user_id", table_name="two_factor_backup_codes")
    op.drop_table("two_factor_backup_codes")
    op.drop_table("two_factor_secrets")
