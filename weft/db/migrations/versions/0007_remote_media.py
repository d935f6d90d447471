"""remote media: the remote URLs of remote accounts' avatars and headers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("avatar_remote_url", "header_remote_url")


def upgrade() -> None:
    # Plain ADD COLUMN (see 0004): batch mode would drop SQLite's expression indexes.
    for name in COLUMNS:
        op.add_column("accounts", sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    for name in COLUMNS:
        op.drop_column("accounts", name)
