"""The public marks read again only when SQLite says the database changed."""

import pytest
from sqlmodel import Session

from tracker import clock
from tracker.db import create_db_engine
from tracker.models import SourceStatus
from tracker.versions import public_state, standing_state


@pytest.fixture(autouse=True)
def sqlite_only(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("the marks are kept only on SQLite (PostgreSQL reads them each time)")


def same_database(engine):
    return create_db_engine(engine.url.render_as_string(hide_password=False))


def touch_source(engine) -> None:
    with Session(engine) as session:
        status = session.get(SourceStatus, "treaty_office") or SourceStatus(name="treaty_office")
        status.last_checked_at = clock.now()
        session.add(status)
        session.commit()


def state(engine, job_runs=False):
    with Session(engine) as session:
        return public_state(session, job_runs=job_runs)


def test_a_commit_from_another_connection_changes_the_marks(engine):
    reader = same_database(engine)
    other = same_database(engine)
    try:
        first = state(reader)
        assert state(reader) == first and state(reader, job_runs=True) != first
        touch_source(other)
        assert state(reader) != first
    finally:
        reader.dispose()
        other.dispose()


def test_a_commit_on_the_same_connection_changes_the_marks(engine):
    # One connection reads and writes: SQLite's data_version does not count its own commits.
    single = same_database(engine)
    single.pool._pool.maxsize = 1
    try:
        first = state(single)
        touch_source(single)
        assert state(single) != first
    finally:
        single.dispose()


def test_inside_a_transaction_the_marks_are_read(engine):
    single = same_database(engine)
    try:
        with Session(single) as session:
            first = public_state(session)
            status = session.get(SourceStatus, "treaty_office") or SourceStatus(
                name="treaty_office"
            )
            status.last_checked_at = clock.now()
            session.add(status)
            session.flush()
            assert public_state(session) != first
            session.rollback()
    finally:
        single.dispose()


def test_standing_marks_hold_only_while_nothing_was_committed(engine):
    reader = same_database(engine)
    try:
        first = state(reader)
        with reader.connect() as connection:
            assert standing_state(connection.connection) == first
            assert standing_state(connection.connection, job_runs=True) is None  # never read
        touch_source(other := same_database(engine))
        other.dispose()
        with reader.connect() as connection:
            assert standing_state(connection.connection) is None
    finally:
        reader.dispose()
