"""treaty check health: failures in a row and when the last error was seen, per instrument

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# Not in batch mode: on SQLite a batch copies the table, and other tables' foreign keys point
# at it. Plain ADD COLUMN and DROP COLUMN work on SQLite 3.35+ and PostgreSQL alike.


def upgrade() -> None:
    op.add_column(
        "treaty", sa.Column("last_error_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "treaty",
        sa.Column(
            "consecutive_failures", sa.Integer(), nullable=False, server_default=sa.text("0")
        ),
    )


def downgrade() -> None:
    op.drop_column("treaty", "consecutive_failures")
    op.drop_column("treaty", "last_error_at")
