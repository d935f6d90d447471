"""version media: each version of a post names its attachments, and media an
edit dropped stays for the history

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:40:00.000000

``status_edits.media`` is the version's attachments in order, each
``{"id": ..., "description": ...}`` (the alt text as it was then).
``media_attachments.former_status_id`` marks an attachment an edit took off a
post: it is no longer shown with the post, but its file stays for the post's
history until the post goes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_media_attachments_former_status_id_statuses"
INDEX = "ix_media_attachments_former_status_id"


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.add_column("status_edits", sa.Column("media", json, nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # Plain ADD COLUMN (see 0004), with the reference inline: SQLite adds
        # no constraint to an existing table.
        op.execute(
            "ALTER TABLE media_attachments ADD COLUMN former_status_id BIGINT "
            "REFERENCES statuses (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("media_attachments", sa.Column("former_status_id", sa.BigInteger()))
        op.create_foreign_key(
            FK, "media_attachments", "statuses", ["former_status_id"], ["id"], ondelete="SET NULL"
        )
    op.create_index(INDEX, "media_attachments", ["former_status_id"])


def downgrade() -> None:
    op.drop_index(INDEX, "media_attachments")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FK, "media_attachments", type_="foreignkey")
    op.drop_column("media_attachments", "former_status_id")
    op.drop_column("status_edits", "media")
