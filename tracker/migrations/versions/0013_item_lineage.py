"""item lineage: a paragraph marked as the successor of a paragraph of an earlier text

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 10:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "itemlineage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("marked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("marked_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["predecessor_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "predecessor_id"),
    )
    with op.batch_alter_table("itemlineage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_itemlineage_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_itemlineage_predecessor_id"), ["predecessor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("itemlineage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_itemlineage_predecessor_id"))
        batch_op.drop_index(batch_op.f("ix_itemlineage_item_id"))
    op.drop_table("itemlineage")
