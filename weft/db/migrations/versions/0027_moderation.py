"""moderation: reports' category, rules, chat messages and handling; warnings,
appeals, the audit log; silenced and sensitized accounts

Revision ID: 0027
Revises: 0025
Create Date: 2026-12-07 05:00:00.000000

- ``reports`` gains ``category``, ``rule_ids``, ``forwarded``, ``chat_id`` and
  ``chat_message_ids`` (chat reports kept their chat in the comment, ``[chat
  <id>]``, and the messages in ``status_ids``: moved here), who is assigned,
  who resolved it, and ``updated_at``.
- ``account_warnings``: what a moderator did to an account (Mastodon's strike),
  shown to the person; ``appeals``: the person's one appeal of a warning.
- ``admin_action_logs``: every moderation action, for admins to read.
- ``accounts.silenced_at``, ``accounts.sensitized_at``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
CHAT_PREFIX = re.compile(r"^\[chat (\d+)\] ?")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    for column in (
        sa.Column("category", sa.String(16), nullable=False, server_default="other"),
        sa.Column("rule_ids", JSON_TYPE, nullable=False, server_default="[]"),
        sa.Column("forwarded", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("chat_message_ids", JSON_TYPE, nullable=False, server_default="[]"),
        sa.Column("assigned_account_id", sa.BigInteger(), nullable=True),
        sa.Column("action_taken_by_account_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=True),
    ):
        op.add_column("reports", column)
    _move_chat_reports()
    op.add_column("accounts", sa.Column("silenced_at", UTC_TIME, nullable=True))
    op.add_column("accounts", sa.Column("sensitized_at", UTC_TIME, nullable=True))
    op.create_table(
        "account_warnings",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status_ids", JSON_TYPE, nullable=False),
        sa.Column("overruled_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _fk("account_warnings", "account_id", "accounts", "SET NULL"),
        _fk("account_warnings", "target_account_id", "accounts", "CASCADE"),
        _fk("account_warnings", "report_id", "reports", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_account_warnings"),
    )
    op.create_index(
        "ix_account_warnings_target_account_id", "account_warnings", ["target_account_id"]
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("account_warning_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("approved_at", UTC_TIME, nullable=True),
        sa.Column("rejected_at", UTC_TIME, nullable=True),
        sa.Column("handled_by_account_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _fk("appeals", "account_id", "accounts", "CASCADE"),
        _fk("appeals", "account_warning_id", "account_warnings", "CASCADE"),
        _fk("appeals", "handled_by_account_id", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_appeals"),
        sa.UniqueConstraint("account_warning_id", name="uq_appeals_account_warning_id"),
    )
    op.create_table(
        "admin_action_logs",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _fk("admin_action_logs", "account_id", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_admin_action_logs"),
    )


def _move_chat_reports() -> None:
    """``[chat <id>] comment`` with message ids in ``status_ids`` -> the new columns."""
    bind = op.get_bind()
    reports = sa.table(
        "reports",
        sa.column("id", sa.BigInteger()),
        sa.column("comment", sa.Text()),
        sa.column("status_ids", JSON_TYPE),
        sa.column("chat_id", sa.BigInteger()),
        sa.column("chat_message_ids", JSON_TYPE),
    )
    rows = bind.execute(
        sa.select(reports.c.id, reports.c.comment, reports.c.status_ids).where(
            reports.c.comment.like("[chat %")
        )
    ).all()
    for report_id, comment, status_ids in rows:
        found = CHAT_PREFIX.match(comment or "")
        if found is None:
            continue
        bind.execute(
            reports.update()
            .where(reports.c.id == report_id)
            .values(
                chat_id=int(found.group(1)),
                chat_message_ids=list(status_ids or []),
                status_ids=[],
                comment=comment[found.end() :],
            )
        )


def downgrade() -> None:
    op.drop_table("admin_action_logs")
    op.drop_table("appeals")
    op.drop_index("ix_account_warnings_target_account_id", table_name="account_warnings")
    op.drop_table("account_warnings")
    op.drop_column("accounts", "sensitized_at")
    op.drop_column("accounts", "silenced_at")
    with op.batch_alter_table("reports") as batch:
        for column in (
            "updated_at",
            "action_taken_by_account_id",
            "assigned_account_id",
            "chat_message_ids",
            "chat_id",
            "forwarded",
            "rule_ids",
            "category",
        ):
            batch.drop_column(column)
