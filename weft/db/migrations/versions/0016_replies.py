"""replies: reply approvals, hidden replies, archive

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 09:00:00.000000

- ``statuses.reply_approvals``: replies by others to this post wait for its
  author's approval (Threads' ``enable_reply_approvals``).
- ``statuses.reply_state``: this reply waits (``pending``) or was set aside
  (``ignored``); NULL once approved, and for every other post.
- ``statuses.hidden_at``: the conversation's author hid this reply;
  ``statuses.hidden_by_id``: that author, on the hidden reply and every reply
  under it (who, besides each post's own author, may still see them).
- ``statuses.archived_at``: its author archived it; only they see it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from weft.models.base import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0004): batch mode would drop SQLite's expression indexes.
    op.add_column(
        "statuses",
        sa.Column("reply_approvals", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("statuses", sa.Column("reply_state", sa.String(length=16), nullable=True))
    op.add_column("statuses", sa.Column("hidden_at", UTCDateTime(timezone=True), nullable=True))
    op.add_column("statuses", sa.Column("hidden_by_id", sa.BigInteger(), nullable=True))
    op.add_column("statuses", sa.Column("archived_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for name in ("archived_at", "hidden_by_id", "hidden_at", "reply_state", "reply_approvals"):
        op.drop_column("statuses", name)
