"""quotes: FEP-044f quote requests and authorizations, remote interaction policies

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 09:00:00.000000

- ``statuses.quote_request_uri``: for a quote, the ``QuoteRequest`` that
  asked for it (ours, for a quote of another server's post; theirs, or the
  ``Create`` that stood for one, for another server's quote of ours).
- ``statuses.quote_authorization_uri``: for a quote, the ``QuoteAuthorization``
  that approves it (another server's, which our Note then carries).
- ``statuses.quote_manual``: for another server's post, who may quote it
  subject to its author's approval (``interactionPolicy.canQuote.manualApproval``);
  who may quote it at once is ``quote_policy``, as for ours.

Other servers' posts stored before this revision never said who may quote
them; Mastodon 4.5 lets nobody quote such a post, and so do we from now on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0004): batch mode would drop SQLite's expression indexes.
    op.add_column("statuses", sa.Column("quote_request_uri", sa.Text(), nullable=True))
    op.add_column("statuses", sa.Column("quote_authorization_uri", sa.Text(), nullable=True))
    op.add_column("statuses", sa.Column("quote_manual", sa.String(length=16), nullable=True))
    op.create_index("ix_statuses_quote_request_uri", "statuses", ["quote_request_uri"])
    op.create_index("ix_statuses_quote_authorization_uri", "statuses", ["quote_authorization_uri"])
    op.execute(
        "UPDATE statuses SET quote_policy = 'nobody' "
        "WHERE account_id IN (SELECT id FROM accounts WHERE domain IS NOT NULL)"
    )


def downgrade() -> None:
    op.drop_index("ix_statuses_quote_authorization_uri", table_name="statuses")
    op.drop_index("ix_statuses_quote_request_uri", table_name="statuses")
    for name in ("quote_manual", "quote_authorization_uri", "quote_request_uri"):
        op.drop_column("statuses", name)
