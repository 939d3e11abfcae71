"""What public responses' validators are made of: the event log's head and other writers' marks.

Every change the public sees appends an event, except a few writers that only record progress
(source checks, job runs, loaded texts, found documents, users' public names); their latest
marks are read here too,
so any write changes the version of every response that shows it.
"""

import functools

from sqlalchemy import Connection, PoolProxiedConnection, Select, func, select
from sqlmodel import Session

from tracker.models import (
    Document,
    DocumentDecision,
    Event,
    FoundDocument,
    Item,
    JobRun,
    SourceStatus,
    Treaty,
    User,
)


def public_state(session: Session, *, job_runs: bool = False) -> tuple:
    """Return the marks that change whenever anything shown publicly changes."""
    return connection_state(session.connection(), job_runs=job_runs)


def connection_state(connection: Connection, *, job_runs: bool = False) -> tuple:
    """Return the public marks as seen through one connection (a request's or a bare one)."""
    pooled = connection.connection
    if connection.dialect.name != "sqlite" or pooled.dbapi_connection.in_transaction:
        return tuple(connection.execute(_marks_query(job_runs)).one())
    # Read before the marks, so a commit landing in between only costs a query next time.
    stamp = _sqlite_stamp(pooled)
    if (known := _kept_marks(pooled, stamp, job_runs)) is not None:
        return known
    marks = tuple(connection.execute(_marks_query(job_runs)).one())
    pooled.info.setdefault("tracker_marks", {})[job_runs] = (stamp, marks)
    return marks


def standing_state(pooled: PoolProxiedConnection, *, job_runs: bool = False) -> tuple | None:
    """Return the marks a pooled SQLite connection read, if no commit came since; else None."""
    # Checked in from the pool, it is in no transaction: marks kept are committed ones.
    return _kept_marks(pooled, _sqlite_stamp(pooled), job_runs)


def _sqlite_stamp(pooled: PoolProxiedConnection) -> tuple[int, int]:
    # SQLite says when this connection last saw a commit from any other connection (its
    # data_version) and counts its own changes: while both stand, the marks it read stand too.
    raw = pooled.dbapi_connection
    return raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes


def _kept_marks(pooled: PoolProxiedConnection, stamp: tuple[int, int], job_runs: bool):
    known = pooled.info.get("tracker_marks", {}).get(job_runs)
    return known[1] if known is not None and known[0] == stamp else None


@functools.cache
def _marks_query(job_runs: bool) -> Select:
    # Built once: every public request, a 304 included, runs it, and building it cost as much
    # as running it.
    marks = [
        select(func.max(Event.id)).scalar_subquery(),
        select(func.max(Item.id)).scalar_subquery(),
        select(func.max(Document.id)).scalar_subquery(),
        select(func.max(Document.loaded_at)).scalar_subquery(),
        select(func.max(SourceStatus.last_checked_at)).scalar_subquery(),
        select(func.max(Treaty.last_checked_at)).scalar_subquery(),
        # A found document becomes public when a monitor links it (a decision row).
        select(func.max(FoundDocument.id)).scalar_subquery(),
        select(func.max(DocumentDecision.id)).scalar_subquery(),
        # Pages show monitors by their current public name.
        select(func.max(User.renamed_at)).scalar_subquery(),
    ]
    if job_runs:
        # Only the sources page lists job runs; the mail job adds one every 30 seconds.
        marks += [
            select(func.max(JobRun.id)).scalar_subquery(),
            select(func.max(JobRun.finished_at)).scalar_subquery(),
        ]
    return select(*marks)
