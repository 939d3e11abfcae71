"""The ``tracker jobs`` and ``tracker scheduler`` commands."""

import logging
import os

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, select

from jobs.registry import JOBS_BY_ID, UnknownJobError, get_job, load_extra_jobs, scheduled_jobs
from tracker import clock
from tracker.models import JobRun

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _configure_logging(level: int) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT)
    # APScheduler logs two lines per run at INFO; the runner's one line is enough.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _engine():
    return current_app.extensions["db_engine"]


def _settings():
    return current_app.extensions["tracker_settings"]


@click.group("jobs")
def jobs_group() -> None:
    """Run and inspect the scheduled jobs."""
    load_extra_jobs(os.environ.get("TRACKER_EXTRA_JOBS", ""))


@jobs_group.command("run")
@click.argument("job_id")
@with_appcontext
def jobs_run(job_id: str) -> None:
    """Run JOB_ID once now and record it (for cron and debugging)."""
    from jobs.runner import run_job

    _configure_logging(logging.WARNING)
    try:
        get_job(job_id)
    except UnknownJobError as unknown:
        raise click.UsageError(str(unknown)) from None
    run = run_job(job_id, engine=_engine(), settings=_settings())
    counts = ", ".join(f"{key}={value}" for key, value in sorted(run.counts.items()))
    click.echo(f"{run.job_id}: {run.outcome} (run {run.id}){': ' + counts if counts else ''}")
    if run.outcome != "ok":
        click.echo(run.error or "no error recorded", err=True)
        raise SystemExit(1)


@jobs_group.command("list")
@with_appcontext
def jobs_list() -> None:
    """Show each job's id, trigger, next fire time and last run."""
    from jobs.runner import last_started_at
    from jobs.scheduler import next_fire_times

    now = clock.now()
    last_started = last_started_at(_engine())
    rows = next_fire_times(
        JOBS_BY_ID.values(), settings=_settings(), now=now, last_started=last_started
    )
    with Session(_engine()) as session:
        for spec, trigger, next_fire in rows:
            last = session.exec(
                select(JobRun).where(JobRun.job_id == spec.id).order_by(JobRun.id.desc()).limit(1)
            ).first()
            when = next_fire.isoformat(timespec="seconds") if spec.scheduled and next_fire else "-"
            last_text = (
                f"last {last.outcome} at {last.started_at.isoformat(timespec='seconds')}"
                if last
                else "never run"
            )
            kind = "" if spec.scheduled else " (diagnostic, not scheduled)"
            click.echo(f"{spec.id:<15} {trigger:<40} next {when:<26} {last_text}{kind}")


@click.command("scheduler")
@click.option(
    "--job",
    "job_ids",
    multiple=True,
    envvar="TRACKER_SCHEDULER_JOBS",
    help="Run only these job ids (default: every scheduled job).",
)
@click.option("--run-now", is_flag=True, help="Fire every job once at start, then on schedule.")
@click.option("--standby-poll-seconds", default=5.0, hidden=True, type=float)
@click.option("--renew-seconds", default=30.0, hidden=True, type=float)
@with_appcontext
def scheduler_command(
    job_ids: tuple[str, ...], run_now: bool, standby_poll_seconds: float, renew_seconds: float
) -> None:
    """Run the job scheduler in this process until SIGTERM or Ctrl-C."""
    from jobs.scheduler import SchedulerProcess, install_signal_handlers

    _configure_logging(logging.INFO)
    load_extra_jobs(os.environ.get("TRACKER_EXTRA_JOBS", ""))
    try:
        specs = scheduled_jobs(job_ids)
    except UnknownJobError as unknown:
        raise click.UsageError(str(unknown)) from None
    process = SchedulerProcess(
        engine=_engine(),
        settings=_settings(),
        specs=specs,
        run_now=run_now,
        standby_poll_seconds=standby_poll_seconds,
        renew_seconds=renew_seconds,
    )
    install_signal_handlers(process)
    process.serve()


COMMANDS = (jobs_group, scheduler_command)
