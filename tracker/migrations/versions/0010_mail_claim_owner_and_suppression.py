"""mail: claim owner, suppression reason

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claim_owner", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suppressed_reason", sa.Text(), nullable=True))
    # hard_failures now counts refusals in a row, not over a lifetime: start every count afresh.
    op.execute("UPDATE subscriber SET hard_failures = 0 WHERE suppressed_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_column("suppressed_reason")
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_column("claim_owner")
