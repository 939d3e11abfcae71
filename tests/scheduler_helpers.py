"""Shared by the scheduler tests: a fixed clock, settings, test jobs and job-run helpers."""

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from jobs.context import JobContext
from jobs.registry import JobSpec
from tests.conftest import TEST_SECRET
from tests.diagnostic_jobs import every_minute
from tracker.config import Settings, load_settings
from tracker.models import JobRun

FIXED_NOW = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)

TRACKER = str(Path(sys.executable).parent / "tracker")
#: What a scheduler process started by a test needs to find the diagnostic jobs.
EXTRA_JOBS_ENV = {
    "TRACKER_EXTRA_JOBS": "tests.diagnostic_jobs",
    "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
}


def make_settings(tmp_path) -> Settings:
    """Return settings with a 90-minute poll interval and the instance in ``tmp_path``."""
    return load_settings(
        {"TRACKER_SECRET_KEY": TEST_SECRET, "TRACKER_POLL_INTERVAL_MINUTES": "90"},
        instance_path=tmp_path,
    )


def count_documents(ctx: JobContext) -> dict[str, int]:
    """Count the documents the job sees and report its day (a test job)."""
    with Session(ctx.engine) as session:
        documents = session.execute(text("SELECT count(*) FROM document")).scalar_one()
    return {"documents": documents, "day": ctx.now.day}


def explode(ctx: JobContext) -> dict[str, int]:
    """Fail the way a job bug would (a test job)."""
    raise ValueError("the Treaty Office answered nonsense")


TEST_TABLE = {
    spec.id: spec
    for spec in (
        JobSpec("count", "tests.scheduler_helpers:count_documents", "count", every_minute, 60),
        JobSpec("explode", "tests.scheduler_helpers:explode", "explode", every_minute, 60),
        JobSpec("missing", "jobs.not_written_yet:run", "missing", every_minute, 60),
    )
}


def job_runs(engine) -> list[JobRun]:
    """Return every recorded job run, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(JobRun).order_by(JobRun.id)).all())


def wait_for(condition, what: str, timeout: float = 30) -> None:
    """Poll ``condition`` until it holds, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
