"""safety: restrict, private notes, mention controls, notification filtering

Revision ID: 0026
Revises: 0025
Create Date: 2027-01-20 09:00:00.000000

- ``restricts``: who restricts whom (their replies seen by themselves alone,
  their chats in requests); ``statuses.restricted`` marks such a reply.
- ``account_notes``: a person's private note on an account.
- ``users.mention_policy``: whose mentions link and notify.
- ``notification_policies``, ``notification_requests``: Mastodon 4.3's
  notification filtering; ``notifications.filtered`` marks what a policy
  kept aside.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def _pair_table(name: str, *columns: sa.schema.SchemaItem) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=f"fk_{name}_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def upgrade() -> None:
    op.add_column(
        "statuses",
        sa.Column("restricted", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "users",
        sa.Column(
            "mention_policy", sa.String(length=16), server_default="everyone", nullable=False
        ),
    )
    op.add_column(
        "notifications",
        sa.Column("filtered", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    extra: Sequence[sa.schema.SchemaItem]
    for name, extra in (
        ("restricts", []),
        ("account_notes", [sa.Column("comment", sa.Text(), nullable=False)]),
    ):
        _pair_table(
            name,
            sa.Column("target_account_id", sa.BigInteger(), nullable=False),
            *extra,
            sa.Column("updated_at" if extra else "created_at", UTC_TIME, nullable=False),
            sa.ForeignKeyConstraint(
                ["target_account_id"],
                ["accounts.id"],
                name=f"fk_{name}_target_account_id_accounts",
                ondelete="CASCADE",
            ),
        )
        op.create_index(f"ix_{name}_pair", name, ["account_id", "target_account_id"], unique=True)
        op.create_index(f"ix_{name}_target_account_id", name, ["target_account_id"])
    op.create_table(
        "notification_policies",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        *(
            sa.Column(f"for_{kind}", sa.String(length=8), nullable=False)
            for kind in (
                "not_following",
                "not_followers",
                "new_accounts",
                "private_mentions",
                "limited_accounts",
            )
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_notification_policies_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name="pk_notification_policies"),
    )
    _pair_table(
        "notification_requests",
        sa.Column("from_account_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["from_account_id"],
            ["accounts.id"],
            name="fk_notification_requests_from_account_id_accounts",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_notification_requests_pair",
        "notification_requests",
        ["account_id", "from_account_id"],
        unique=True,
    )
    op.create_index(
        "ix_notification_requests_from_account_id", "notification_requests", ["from_account_id"]
    )


def downgrade() -> None:
    op.drop_table("notification_requests")
    op.drop_table("notification_policies")
    op.drop_table("account_notes")
    op.drop_table("restricts")
    op.drop_column("notifications", "filtered")
    op.drop_column("users", "mention_policy")
    op.drop_column("statuses", "restricted")
