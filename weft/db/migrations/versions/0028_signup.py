"""server rules, sign-up modes, invites and the server's texts

Revision ID: 0028
Revises: 0025
Create Date: 2026-12-07 05:00:00.000000

- ``server_rules``: the rules shown at sign-up and in reports.
- ``server_settings``: what admins change on the web (sign-up mode, the
  about texts...); a key with no row falls back to the configuration.
- ``invites``: invite links with an expiry and a use limit.
- ``users.approved`` (true for everyone already here), ``users.sign_up_reason``
  and ``users.invite_id``: the approval queue.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "server_rules",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_server_rules"),
    )
    op.create_table(
        "server_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_server_settings"),
    )
    op.create_table(
        "invites",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_invites_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.UniqueConstraint("code", name="uq_invites_code"),
    )
    op.create_index("ix_invites_user_id", "invites", ["user_id"])
    op.add_column(
        "users", sa.Column("approved", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.add_column("users", sa.Column("sign_up_reason", sa.Text(), nullable=True))
    op.add_column("users", sa.Column("invite_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("invite_id")
        batch.drop_column("sign_up_reason")
        batch.drop_column("approved")
    op.drop_index("ix_invites_user_id", table_name="invites")
    op.drop_table("invites")
    op.drop_table("server_settings")
    op.drop_table("server_rules")
