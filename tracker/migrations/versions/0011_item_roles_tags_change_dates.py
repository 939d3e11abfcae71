"""item roles (operative/context), tags, the date a status change happened

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


# SQLite would copy the item table to alter it, and with rows pointing at items (and foreign
# keys on) dropping the old copy fails: columns are added and dropped in place instead.
def upgrade() -> None:
    with op.batch_alter_table("item", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column(
                "role",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="operative",
            )
        )
        batch_op.add_column(
            sa.Column("role_set_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    with op.batch_alter_table("statuschange", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("happened_on", sa.Date(), nullable=True))
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "itemtag",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"]),
        sa.PrimaryKeyConstraint("item_id", "tag_id"),
    )
    with op.batch_alter_table("itemtag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_itemtag_tag_id"), ["tag_id"], unique=False)
    _backfill_roles()


def _backfill_roles() -> None:
    """Classify the items stored before roles existed, as the seeding now does."""
    # The classifier is the application's: a frozen copy here could only drift from it.
    from tracker.texts.roles import classify_role

    connection = op.get_bind()
    item = sa.table(
        "item",
        sa.column("id", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("verb", sa.String),
        sa.column("parent_id", sa.Integer),
        sa.column("role", sa.String),
    )
    rows = connection.execute(sa.select(item.c.id, item.c.text, item.c.verb, item.c.parent_id))
    for row in rows.all():
        role = classify_role(row.text, verb=row.verb, is_sub_paragraph=row.parent_id is not None)
        connection.execute(sa.update(item).where(item.c.id == row.id).values(role=role))


def downgrade() -> None:
    with op.batch_alter_table("itemtag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_itemtag_tag_id"))
    op.drop_table("itemtag")
    op.drop_table("tag")
    with op.batch_alter_table("statuschange", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("happened_on")
    with op.batch_alter_table("item", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("role_set_by")
        batch_op.drop_column("role")
