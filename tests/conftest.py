"""Fixtures: a fresh database per test, on SQLite and (when reachable) PostgreSQL."""

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

import tests.diagnostic_jobs  # noqa: F401  (registers the diagnostic jobs heartbeat and sleep)
from tracker import clock, create_app
from tracker.cli import SEEDS_DIR
from tracker.db import unit_of_work
from tracker.migrate import upgrade_database
from tracker.texts.seeding import seed_database

POSTGRES_ADMIN_URL = os.environ.get(
    "TRACKER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEST_SECRET = "test-secret-key-that-is-long-enough"


def _postgres_database() -> Iterator[str]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means "absent"
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required when CI is set: {error}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error.__class__.__name__}")
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_generate_tests(metafunc) -> None:
    """Run database tests on SQLite; those marked ``postgres`` run on PostgreSQL too."""
    if "database_url" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("postgres") is not None
        kinds = ["sqlite", "postgresql"] if both else ["sqlite"]
        metafunc.parametrize("database_url", kinds, indirect=True)


@pytest.fixture
def database_url(request, tmp_path) -> Iterator[str]:
    """Yield the URL of a fresh, empty database of the kind the test is parametrized with."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def app(database_url):
    """Return the app on a migrated and seeded fresh database."""
    application = create_app(
        {
            "TRACKER_DATABASE_URL": database_url,
            "TRACKER_SECRET_KEY": TEST_SECRET,
            "TRACKER_BASE_URL": "https://tracker.example.org",
        }
    )
    engine = application.extensions["db_engine"]
    upgrade_database(engine)
    with unit_of_work(engine) as session:
        seed_database(session, SEEDS_DIR, now=clock.now())
    yield application
    engine.dispose()


@pytest.fixture
def engine(app):
    """Return the app's database engine."""
    return app.extensions["db_engine"]


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """Yield a session on the test database, closed afterwards."""
    with Session(engine, expire_on_commit=False) as db:
        yield db


@pytest.fixture
def client(app):
    """Return a test client of the app."""
    return app.test_client()


PASSWORD = "a-long-enough-password"


@pytest.fixture
def make_user(engine):
    """Return a function that creates a user and returns its email."""
    from tracker.users import create_user

    def make(email: str = "monitor@example.org", role: str = "monitor") -> str:
        with unit_of_work(engine) as db:
            create_user(db, email=email, password=PASSWORD, role=role)
        return email

    return make


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def login(client, make_user):
    """Return a function that logs a (new) user in on a client."""

    def do_login(email: str = "monitor@example.org", role: str = "monitor", *, on=None) -> str:
        browser = on or client
        make_user(email, role)
        page = browser.get("/login").get_data(as_text=True)
        response = browser.post(
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return email

    return do_login


@pytest.fixture
def reader(engine):
    """Return a confirmed subscriber, reader@example.org (see tests/hostile_helpers.py)."""
    from tests.hostile_helpers import make_reader

    return make_reader(engine)
