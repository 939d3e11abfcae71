"""The migrations build exactly the schema the models describe, and keep history append-only."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tracker.migrate import alembic_config, upgrade_database

pytestmark = pytest.mark.postgres


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_downgrade_to_the_start_and_up_again(engine):
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    upgrade_database(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, SQLModel.metadata) == []


def test_item_choices_made_before_texts_had_slugs_name_the_text_after_0014(engine):
    from sqlalchemy import text

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO subscriber (email, frequency, everything, created_at, last_event_id,"
                " hard_failures) VALUES ('old@example.org', 'daily', false, '2026-01-01', 0, 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO subscriptiontopic (subscriber_id, kind, ref) SELECT id, kind, ref"
                " FROM subscriber, (SELECT 'item' AS kind, '9.2.1' AS ref UNION ALL"
                " SELECT 'treaty', 'cets-210') AS chosen"
            )
        )
    upgrade_database(engine)
    with engine.connect() as connection:
        topics = connection.execute(text("SELECT kind, ref FROM subscriptiontopic")).all()
        subscriber = connection.execute(text("SELECT language, documents FROM subscriber")).one()
    assert sorted(topics) == [("item", "res-2616:9.2.1"), ("treaty", "cets-210")]
    assert (subscriber.language, bool(subscriber.documents)) == ("en", True)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
    with engine.connect() as connection:
        topics = connection.execute(text("SELECT kind, ref FROM subscriptiontopic")).all()
    assert sorted(topics) == [("item", "9.2.1"), ("treaty", "cets-210")]
    upgrade_database(engine)
