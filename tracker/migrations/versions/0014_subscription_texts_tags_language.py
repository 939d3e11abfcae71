"""subscriptions: chosen texts and tags, document events on or off, the subscriber's language

Item choices were stored as a bare paragraph number, which matched that number in every text;
they become "<text slug>:<number>", one row per text that has such a paragraph.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 11:55:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch: on SQLite a batch would copy and drop the subscriber table,
    # which the topics and the outbox reference.
    op.add_column(
        "subscriber",
        sa.Column(
            "language",
            sqlmodel.sql.sqltypes.AutoString(length=8),
            nullable=False,
            server_default="en",
        ),
    )
    op.add_column(
        "subscriber",
        sa.Column("documents", sa.Boolean(), nullable=False, server_default=sa.text("true")),
    )
    with op.batch_alter_table("subscriptiontopic", schema=None) as batch_op:
        batch_op.alter_column(
            "ref",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=40),
            type_=sqlmodel.sql.sqltypes.AutoString(length=120),
            existing_nullable=False,
        )
    bind = op.get_bind()
    old = bind.execute(
        sa.text("SELECT id, subscriber_id, ref FROM subscriptiontopic WHERE kind = 'item'")
    ).all()
    for topic_id, subscriber_id, number in old:
        if ":" in number:
            continue
        slugs = bind.execute(
            sa.text(
                "SELECT DISTINCT document.slug FROM item JOIN document"
                " ON document.id = item.document_id WHERE item.number = :number"
            ),
            {"number": number},
        ).scalars()
        bind.execute(sa.text("DELETE FROM subscriptiontopic WHERE id = :id"), {"id": topic_id})
        for slug in slugs:
            bind.execute(
                sa.text(
                    "INSERT INTO subscriptiontopic (subscriber_id, kind, ref)"
                    " VALUES (:subscriber, 'item', :ref)"
                ),
                {"subscriber": subscriber_id, "ref": f"{slug}:{number}"},
            )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, subscriber_id, kind, ref FROM subscriptiontopic")
    ).all()
    seen: set[tuple[int, str]] = set()
    for topic_id, subscriber_id, kind, ref in rows:
        bare = ref.split(":", 1)[-1]
        if kind not in ("item", "treaty") or (subscriber_id, bare) in seen or len(bare) > 40:
            bind.execute(sa.text("DELETE FROM subscriptiontopic WHERE id = :id"), {"id": topic_id})
            continue
        seen.add((subscriber_id, bare))
        bind.execute(
            sa.text("UPDATE subscriptiontopic SET ref = :ref WHERE id = :id"),
            {"ref": bare, "id": topic_id},
        )
    with op.batch_alter_table("subscriptiontopic", schema=None) as batch_op:
        batch_op.alter_column(
            "ref",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=120),
            type_=sqlmodel.sql.sqltypes.AutoString(length=40),
            existing_nullable=False,
        )
    # SQLite (3.35+) drops a column in place; a batch would copy and drop the subscriber table.
    op.drop_column("subscriber", "documents")
    op.drop_column("subscriber", "language")
