"""polls: Mastodon's polls (ActivityPub's Question) and their votes

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-10 09:00:00.000000

- ``polls``: one per post, its options and tallies (changed only while the
  row is locked: weft/actions/polls.py), whether several options may be
  chosen, whether totals are hidden until it ends, when it ends.
- ``poll_votes``: one row per voter and option chosen (another server's
  vote keeps its Note's id in ``uri``).

A change of a poll's row moves its post's version (as 0008 does for a
post's media and tags), so cached entities show the new tallies.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("status_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("options", JSON_TYPE, nullable=False),
        sa.Column("tallies", JSON_TYPE, nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("hide_totals", sa.Boolean(), nullable=False),
        sa.Column("votes_count", sa.Integer(), nullable=False),
        sa.Column("voters_count", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["status_id"], ["statuses.id"], name="fk_polls_status_id_statuses", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_polls_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_polls"),
        sa.UniqueConstraint("status_id", name="uq_polls_status_id"),
    )
    op.create_index("ix_polls_account_id", "polls", ["account_id"])
    op.create_table(
        "poll_votes",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("poll_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name="fk_poll_votes_poll_id_polls", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_poll_votes_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_poll_votes"),
        sa.UniqueConstraint("uri", name="uq_poll_votes_uri"),
    )
    op.create_index("ix_poll_votes_account_id", "poll_votes", ["account_id"])
    op.create_index(
        "ix_poll_votes_poll_account_choice",
        "poll_votes",
        ["poll_id", "account_id", "choice"],
        unique=True,
    )
    if op.get_bind().dialect.name == "sqlite":
        bump = "UPDATE statuses SET version = version + 1 WHERE id = {row}.status_id;"
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER polls_version_{event.lower()} AFTER {event} ON polls "
                f"FOR EACH ROW BEGIN {bump.format(row=row)} END"
            )
    else:
        # weft_touch_status() is 0008's: it moves the version of the row's status_id.
        op.execute(
            "CREATE TRIGGER weft_version AFTER INSERT OR UPDATE OR DELETE ON polls "
            "FOR EACH ROW EXECUTE FUNCTION weft_touch_status()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS polls_version_{event}")
    else:
        op.execute("DROP TRIGGER IF EXISTS weft_version ON polls")
    op.drop_index("ix_poll_votes_poll_account_choice", table_name="poll_votes")
    op.drop_index("ix_poll_votes_account_id", table_name="poll_votes")
    op.drop_table("poll_votes")
    op.drop_index("ix_polls_account_id", table_name="polls")
    op.drop_table("polls")
