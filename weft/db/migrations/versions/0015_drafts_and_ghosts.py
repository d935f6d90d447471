"""drafts and scheduled posts; ghost posts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-12 09:00:00.000000

- ``scheduled_statuses``: a post not yet published, with the parameters of
  ``POST /api/v1/statuses`` it was made with: a draft (``scheduled_at``
  empty) or a scheduled post (published by the ``statuses.publish_scheduled``
  job due at ``scheduled_at``). ``error`` says why a scheduled post could
  not be published when its time came (it is then a draft again).
- ``media_attachments.scheduled_status_id``: an upload a draft or scheduled
  post holds, which the sweep of unattached uploads leaves alone.
- ``statuses.ghost_expires_at``: a ghost post's end (24 hours after it was
  posted); empty for every other post.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)
FK = "fk_media_attachments_scheduled_status_id_scheduled_statuses"
INDEX = "ix_media_attachments_scheduled_status_id"


def upgrade() -> None:
    op.create_table(
        "scheduled_statuses",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("scheduled_at", UTC_TIME, nullable=True),
        sa.Column("params", JSON_TYPE, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_scheduled_statuses_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_scheduled_statuses"),
    )
    op.create_index(
        "ix_scheduled_statuses_account_id_scheduled_at",
        "scheduled_statuses",
        ["account_id", "scheduled_at"],
    )
    # Plain ADD COLUMN (see 0004): batch mode would drop SQLite's expression indexes.
    op.add_column("statuses", sa.Column("ghost_expires_at", UTC_TIME, nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds no constraint to an existing table: the reference goes inline.
        op.execute(
            "ALTER TABLE media_attachments ADD COLUMN scheduled_status_id BIGINT "
            "REFERENCES scheduled_statuses (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("media_attachments", sa.Column("scheduled_status_id", sa.BigInteger()))
        op.create_foreign_key(
            FK,
            "media_attachments",
            "scheduled_statuses",
            ["scheduled_status_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(INDEX, "media_attachments", ["scheduled_status_id"])


def downgrade() -> None:
    op.drop_index(INDEX, "media_attachments")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FK, "media_attachments", type_="foreignkey")
    op.drop_column("media_attachments", "scheduled_status_id")
    op.drop_column("statuses", "ghost_expires_at")
    op.drop_index("ix_scheduled_statuses_account_id_scheduled_at", "scheduled_statuses")
    op.drop_table("scheduled_statuses")
