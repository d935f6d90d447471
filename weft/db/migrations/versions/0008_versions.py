"""versions: a counter on every post and account that changes with what they show

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:00:00.000000

``statuses.version`` and ``accounts.version`` go up, in the database itself,
whenever anything their API entities show changes: the row (an edit, a count,
a quote's state), or a post's media, card, mentions or tags. Triggers keep
them, so no code path can change a post and forget to say so; rendered
entities are cached by these versions (weft/db/versioned.py,
docs/decisions/0020-entity-cache.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows belong to one post (``status_id``) and show in its entity.
PARTS = ("media_attachments", "status_cards", "mentions", "status_tags")


def upgrade() -> None:
    for table in ("statuses", "accounts"):
        op.add_column(
            table, sa.Column("version", sa.BigInteger(), nullable=False, server_default="0")
        )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()
    else:
        _postgresql_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _sqlite_trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for table in ("statuses", "accounts", "preview_cards", *PARTS):
            op.execute(f"DROP TRIGGER IF EXISTS weft_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS weft_bump_version()")
        op.execute("DROP FUNCTION IF EXISTS weft_touch_status()")
        op.execute("DROP FUNCTION IF EXISTS weft_touch_card_statuses()")
    for table in ("statuses", "accounts"):
        op.drop_column(table, "version")


def _sqlite_trigger_names() -> list[str]:
    names = ["statuses_version", "accounts_version", "preview_cards_version"]
    for table in PARTS:
        names += [f"{table}_version_insert", f"{table}_version_update", f"{table}_version_delete"]
    return names


def _sqlite_triggers() -> None:
    # An update that leaves the version as it was bumps it. The trigger's own
    # UPDATE changes the version, so it does not fire again (and SQLite's
    # recursive triggers are off).
    for table in ("statuses", "accounts"):
        when = "WHEN NEW.version = OLD.version"
        bump_row = f"UPDATE {table} SET version = OLD.version + 1 WHERE id = NEW.id;"  # noqa: S608
        op.execute(
            f"CREATE TRIGGER {table}_version AFTER UPDATE ON {table} "
            f"FOR EACH ROW {when} BEGIN {bump_row} END"
        )
    bump = "UPDATE statuses SET version = version + 1 WHERE id = {row}.status_id;"
    for table in PARTS:
        op.execute(
            f"CREATE TRIGGER {table}_version_insert AFTER INSERT ON {table} "
            f"FOR EACH ROW BEGIN {bump.format(row='NEW')} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_version_update AFTER UPDATE ON {table} "
            f"FOR EACH ROW BEGIN {bump.format(row='OLD')} {bump.format(row='NEW')} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_version_delete AFTER DELETE ON {table} "
            f"FOR EACH ROW BEGIN {bump.format(row='OLD')} END"
        )
    op.execute(
        "CREATE TRIGGER preview_cards_version AFTER UPDATE ON preview_cards "
        "FOR EACH ROW BEGIN UPDATE statuses SET version = version + 1 "
        "WHERE id IN (SELECT status_id FROM status_cards WHERE card_id = NEW.id); END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION weft_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW.version := OLD.version + 1; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE FUNCTION weft_touch_status() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP <> 'INSERT' THEN "
        "UPDATE statuses SET version = version + 1 WHERE id = OLD.status_id; END IF; "
        "IF TG_OP <> 'DELETE' THEN "
        "UPDATE statuses SET version = version + 1 WHERE id = NEW.status_id; END IF; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION weft_touch_card_statuses() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN UPDATE statuses SET version = version + 1 "
        "WHERE id IN (SELECT status_id FROM status_cards WHERE card_id = NEW.id); "
        "RETURN NULL; END $$"
    )
    for table in ("statuses", "accounts"):
        op.execute(
            f"CREATE TRIGGER weft_version BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION weft_bump_version()"
        )
    for table in PARTS:
        op.execute(
            f"CREATE TRIGGER weft_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION weft_touch_status()"
        )
    op.execute(
        "CREATE TRIGGER weft_version AFTER UPDATE ON preview_cards "
        "FOR EACH ROW EXECUTE FUNCTION weft_touch_card_statuses()"
    )
