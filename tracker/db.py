"""Engines and sessions: one session per request or unit of work, committed at the boundary."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session


def create_db_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite:"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # REPLACE then fires the DELETE triggers of the append-only history (see 0007).
            cursor.execute("PRAGMA recursive_triggers=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def begin_write(session: Session) -> None:
    """Take the database's write lock now, before the unit of work reads what it will change.

    SQLite otherwise upgrades a read transaction to a write one late and fails at once
    (SQLITE_BUSY_SNAPSHOT) when another process wrote in between; PostgreSQL needs nothing.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """Yield a session for a job or command; commit once at the end, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_session() -> Session:
    """Return the current request's session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["db_engine"], expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask, engine: Engine) -> None:
    """Attach the engine to the app and close the request's session on teardown."""
    app.extensions["db_engine"] = engine
    app.teardown_appcontext(_close_session)
