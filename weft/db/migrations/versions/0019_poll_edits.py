"""poll edits and batched results

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-20 09:00:00.000000

- ``status_edits.poll``: the poll as a version showed it (its options'
  titles, and whether several could be chosen), as Mastodon's StatusEdit
  shows it; None for versions of posts without a poll.
- ``polls.results_due_at``: when the pending ``polls.send_results`` job is
  due (votes on our poll are sent to other servers at most once per
  interval); None while none is pending.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from weft.models.base import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("status_edits", sa.Column("poll", JSON_TYPE, nullable=True))
    op.add_column("polls", sa.Column("results_due_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("polls", "results_due_at")
    op.drop_column("status_edits", "poll")
