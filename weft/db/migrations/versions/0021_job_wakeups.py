"""job wake-ups: PostgreSQL NOTIFYs workers of new jobs

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-15 09:00:00.000000

- A statement-level trigger on ``jobs``: every statement inserting jobs sends
  ``NOTIFY weft_jobs`` (delivered at commit, never for a rollback), so a
  ``weft worker`` in another process claims them at once instead of at its
  next poll (weft/jobs/wakeup.py). PostgreSQL only; SQLite has no channel.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION weft_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('weft_jobs', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER jobs_notify AFTER INSERT ON jobs "
        "FOR EACH STATEMENT EXECUTE FUNCTION weft_jobs_notify()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS jobs_notify ON jobs")
    op.execute("DROP FUNCTION IF EXISTS weft_jobs_notify()")
