"""Run one job and record it as a JobRun row: started, then ok with counts or failed with why."""

import logging
import os
import socket
import time
import traceback
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func
from sqlmodel import Session, col, select

from jobs.context import JobContext, UnitsFailed
from jobs.registry import JobSpec, get_job
from tracker import clock
from tracker.config import Settings
from tracker.db import unit_of_work
from tracker.models import JobRun

logger = logging.getLogger("jobs.runner")

# Enough of a traceback to find the failing line without filling the table with frames.
ERROR_LIMIT = 4000
RUNS_KEPT_PER_JOB = 500
ABANDONED_AFTER = timedelta(days=1)


def runner_name() -> str:
    """Return ``host:pid`` of this process, as recorded on its job runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _error_summary(error: BaseException) -> str:
    lines = traceback.format_exception(error, limit=-5)
    summary = "".join(lines).strip()
    if len(summary) > ERROR_LIMIT:
        # Keep the end: the exception message and the innermost frames say the most.
        summary = "…" + summary[-ERROR_LIMIT:]
    return summary


def _clean_counts(counts: object) -> dict[str, int]:
    if not isinstance(counts, Mapping):
        return {}
    return {str(key): int(value) for key, value in counts.items()}


def last_started_at(engine: Engine) -> dict[str, datetime]:
    """Return when each job last started, from the JobRun rows."""
    with Session(engine) as session:
        rows = session.exec(
            select(JobRun.job_id, func.max(JobRun.started_at)).group_by(JobRun.job_id)
        ).all()
    return {job_id: started_at for job_id, started_at in rows if started_at is not None}


def mark_abandoned_runs(engine: Engine, *, now: datetime) -> int:
    """Close the "running" rows of runs whose process is gone; return how many.

    A run of this host is abandoned when its process no longer exists; a run of another host
    (a scheduler that moved) when it started more than a day ago.
    """
    host = socket.gethostname()
    closed = 0
    with unit_of_work(engine) as session:
        for run in session.exec(select(JobRun).where(JobRun.outcome == "running")).all():
            run_host, _, pid = run.runner.rpartition(":")
            if run_host == host and pid.isdigit():
                gone = not _process_exists(int(pid))
            else:
                gone = run.started_at < now - ABANDONED_AFTER
            if gone:
                run.outcome, run.finished_at = "abandoned", now
                run.error = "the process running this job ended before recording its outcome"
                session.add(run)
                closed += 1
    return closed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _record_start(engine: Engine, job_id: str, started_at: datetime) -> JobRun:
    # Its own committed transaction, so a run that hangs or dies is visible as "running".
    with unit_of_work(engine) as session:
        run = JobRun(job_id=job_id, started_at=started_at, outcome="running", runner=runner_name())
        session.add(run)
    return run


def _record_finish(engine: Engine, run: JobRun) -> None:
    with unit_of_work(engine) as session:
        stored = session.get(JobRun, run.id)
        if stored is None:  # deleted meanwhile; nothing sensible to update
            return
        stored.finished_at = run.finished_at
        stored.outcome = run.outcome
        stored.counts = dict(run.counts)
        stored.error = run.error
        # The mail job runs every 30 s: keep each job's recent runs, not years of them.
        session.execute(
            delete(JobRun).where(
                col(JobRun.job_id) == run.job_id,
                col(JobRun.id).in_(
                    select(JobRun.id)
                    .where(JobRun.job_id == run.job_id)
                    .order_by(col(JobRun.id).desc())
                    .offset(RUNS_KEPT_PER_JOB)
                    .limit(1000)
                ),
            )
        )


def run_job(
    job_id: str,
    *,
    engine: Engine,
    settings: Settings,
    now: datetime | None = None,
    table: Mapping[str, JobSpec] | None = None,
) -> JobRun:
    """Run a job once, record the run, and return it; job errors are recorded, not raised."""
    spec = get_job(job_id, table)
    started_at = clock.now()
    try:
        run = _record_start(engine, job_id, started_at)
    except Exception as error:
        logger.exception("job %s not started: cannot record the run", job_id)
        return JobRun(
            job_id=job_id,
            started_at=started_at,
            finished_at=clock.now(),
            outcome="failed",
            error=_error_summary(error),
            runner=runner_name(),
        )
    started = time.monotonic()
    try:
        function = spec.resolve()
        counts = function(JobContext(engine=engine, settings=settings, now=now or started_at))
        run.counts = _clean_counts(counts)
        run.outcome = "ok"
    except UnitsFailed as failed:
        # Not a crash: the job kept the others' work; say which units failed, one per line.
        run.counts = _clean_counts(failed.counts)
        run.outcome = failed.outcome
        run.error = "\n".join(failed.failures)
    except BaseException as error:
        run.outcome = "failed"
        run.error = _error_summary(error)
        run.finished_at = clock.now()
        _finish_quietly(engine, run, time.monotonic() - started)
        if not isinstance(error, Exception):
            raise  # KeyboardInterrupt and SystemExit still stop the process
        return run
    run.finished_at = clock.now()
    _finish_quietly(engine, run, time.monotonic() - started)
    return run


def _finish_quietly(engine: Engine, run: JobRun, seconds: float) -> None:
    try:
        _record_finish(engine, run)
    except Exception:
        logger.exception("job %s run %s finished but could not be recorded", run.job_id, run.id)
    if run.outcome == "ok":
        logger.info(
            "job %s ok in %.1fs run=%s runner=%s counts=%s",
            run.job_id,
            seconds,
            run.id,
            run.runner,
            run.counts,
        )
    else:
        last_line = (run.error or "").strip().splitlines()[-1:] or [""]
        logger.error(
            "job %s failed in %.1fs run=%s runner=%s error=%s",
            run.job_id,
            seconds,
            run.id,
            run.runner,
            last_line[0],
        )
