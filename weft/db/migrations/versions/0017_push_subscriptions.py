"""push subscriptions: web push (Mastodon's /api/v1/push/subscription)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-14 09:00:00.000000

- ``push_subscriptions``: a push service's endpoint and the browser's keys
  (RFC 8291), the alerts wanted per notification type and the policy
  (all, followed, follower, none); one per access token or per web session,
  removed with either.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("token_id", sa.BigInteger(), nullable=True),
        sa.Column("web_session_id", sa.BigInteger(), nullable=True),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("key_p256dh", sa.String(length=128), nullable=False),
        sa.Column("key_auth", sa.String(length=64), nullable=False),
        sa.Column("alerts", JSON_TYPE, nullable=False),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("standard", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_push_subscriptions_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["oauth_access_tokens.id"],
            name="fk_push_subscriptions_token_id_oauth_access_tokens",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["web_session_id"],
            ["web_sessions.id"],
            name="fk_push_subscriptions_web_session_id_web_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_push_subscriptions"),
        sa.UniqueConstraint("token_id", name="uq_push_subscriptions_token_id"),
        sa.UniqueConstraint("web_session_id", name="uq_push_subscriptions_web_session_id"),
    )
    op.create_index("ix_push_subscriptions_account_id", "push_subscriptions", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_push_subscriptions_account_id", table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
