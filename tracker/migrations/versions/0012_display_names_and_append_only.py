"""display names; actors by user id; history refuses REPLACE and TRUNCATE

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 09:20:00

Users get a public display name ("Monitor <id>" for existing users). Events and review
resolutions point to the user by id, and the actor columns of the history stop holding
addresses: existing actor strings that are a user's address become that user's display name
(the append-only row triggers are lifted for this one rewrite, inside the migration's
transaction, and put back). Addresses that match no user become "Former monitor".

History tables also refuse what bypassed the row triggers: on SQLite ``REPLACE INTO`` /
``INSERT OR REPLACE`` (an INSERT trigger refusing a conflicting id or key), on PostgreSQL
``TRUNCATE`` (a statement-level trigger).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

HISTORY = ("statuschange", "event", "treatystatechange")
# Columns besides id whose conflict would let REPLACE delete a row.
UNIQUE_KEYS = {"statuschange": ("event_id",), "event": (), "treatystatechange": ()}
FORMER = "Former monitor"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _drop_row_triggers() -> None:
    for table in HISTORY:
        if _sqlite():
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


def _create_row_triggers() -> None:
    for table in HISTORY:
        if _sqlite():
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tracker_append_only()"
            )


def _create_guards() -> None:
    for table in HISTORY:
        if _sqlite():
            conflict = " OR ".join(
                ["id = NEW.id"] + [f"{key} = NEW.{key}" for key in UNIQUE_KEYS[table]]
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {conflict}) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION tracker_append_only()"
            )


def _drop_guards() -> None:
    for table in HISTORY:
        if _sqlite():
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def _user_by_address(column: str) -> str:
    return f'(SELECT u.id FROM "user" u WHERE lower(u.email) = lower({column}))'


def _name_of(column: str) -> str:
    return f'(SELECT u.display_name FROM "user" u WHERE u.id = {column})'


def _rewrite_actors(table: str, actor: str, user_id: str) -> None:
    op.execute(
        f"UPDATE {table} SET {user_id} = {_user_by_address(f'{table}.{actor}')} "
        f"WHERE {user_id} IS NULL AND {actor} LIKE '%@%'"
    )
    op.execute(
        f"UPDATE {table} SET {actor} = {_name_of(f'{table}.{user_id}')} "
        f"WHERE {user_id} IS NOT NULL AND {actor} LIKE '%@%'"
    )
    op.execute(f"UPDATE {table} SET {actor} = '{FORMER}' WHERE {actor} LIKE '%@%'")


def upgrade() -> None:
    # Plain ADD COLUMN with a default: a batch would copy "user", which history refers to.
    op.add_column(
        "user",
        sa.Column(
            "display_name",
            sqlmodel.sql.sqltypes.AutoString(length=60),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column(
        "user", sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute("""UPDATE "user" SET display_name = 'Monitor ' || CAST(id AS VARCHAR)""")
    op.create_index("uq_user_display_name", "user", ["display_name"], unique=True)

    with op.batch_alter_table("itemreview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_itemreview_resolved_by_user_id_user", "user", ["resolved_by_user_id"], ["id"]
        )
    # Not in batch mode: on SQLite a batch would copy the event table (see 0003).
    if _sqlite():
        op.execute('ALTER TABLE event ADD COLUMN user_id INTEGER REFERENCES "user" (id)')
    else:
        op.add_column("event", sa.Column("user_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_event_user_id_user", "event", "user", ["user_id"], ["id"])

    _drop_row_triggers()
    _rewrite_actors("event", "actor", "user_id")
    _rewrite_actors("statuschange", "actor", "user_id")
    _create_row_triggers()
    _rewrite_actors("itemreview", "resolved_by", "resolved_by_user_id")
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    if _sqlite():
        _drop_row_triggers()
        with op.batch_alter_table("event", schema=None) as batch_op:
            batch_op.drop_column("user_id")
        _create_row_triggers()
    else:
        op.drop_constraint("fk_event_user_id_user", "event", type_="foreignkey")
        op.drop_column("event", "user_id")
    with op.batch_alter_table("itemreview", schema=None) as batch_op:
        batch_op.drop_constraint("fk_itemreview_resolved_by_user_id_user", type_="foreignkey")
        batch_op.drop_column("resolved_by_user_id")
    op.drop_index("uq_user_display_name", table_name="user")
    for column in ("session_generation", "display_name"):
        if _sqlite():
            op.execute(f'ALTER TABLE "user" DROP COLUMN {column}')
        else:
            op.drop_column("user", column)
