"""sources: what the page shell last said, so a poll need not read the page every time

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: on SQLite a batch would copy and drop a table others may reference.
    op.add_column("sourcestatus", sa.Column("page_settings", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("sourcestatus", "page_settings")
