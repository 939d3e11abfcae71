"""text slugs: the seeded Resolution 2616 is res-2616, as every text is kind-number

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        sa.text("UPDATE document SET slug = 'res-2616' WHERE slug = 'resolution-2616'")
    )


def downgrade() -> None:
    op.execute(
        sa.text("UPDATE document SET slug = 'resolution-2616' WHERE slug = 'res-2616'")
    )
