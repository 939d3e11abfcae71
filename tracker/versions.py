"""What public responses' validators are made of: the event log's head and other writers' marks.

Every change the public sees appends an event, except a few writers that only record progress
(source checks, job runs, loaded texts, found documents, users' public names); their latest
marks are read here too,
so any write changes the version of every response that shows it.
"""

import functools

from sqlalchemy import Select, func, select
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
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if connection.dialect.name != "sqlite" or raw.in_transaction:
        return tuple(connection.execute(_marks_query(job_runs)).one())
    # SQLite says when this connection last saw a commit from any other connection (its
    # data_version) and counts its own changes: while both stand, the marks it read stand too.
    # Read before the marks, so a commit landing in between only costs a query next time.
    stamp = (connection.exec_driver_sql("PRAGMA data_version").scalar(), raw.total_changes)
    kept = connection.info.setdefault("tracker_marks", {})
    if (known := kept.get(job_runs)) is not None and known[0] == stamp:
        return known[1]
    marks = tuple(connection.execute(_marks_query(job_runs)).one())
    kept[job_runs] = (stamp, marks)
    return marks


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
