"""users: when the public name last changed, so cached pages showing the old name are revalidated

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 12:15:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: on SQLite a batch would copy and drop the user table others reference.
    op.add_column(
        "user", sa.Column("renamed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("user", "renamed_at")
