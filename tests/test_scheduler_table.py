"""The job table as data, the job runner's records and the ``jobs`` CLI."""

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlmodel import Session, select

from jobs.registry import (
    FIRST_RUN_DELAY,
    JOBS_BY_ID,
    POLL_JITTER_SECONDS,
    UnknownJobError,
    scheduled_jobs,
)
from jobs.runner import run_job
from jobs.scheduler import add_jobs, new_scheduler
from tests.scheduler_helpers import FIXED_NOW, TEST_TABLE, job_runs, make_settings
from tracker import clock
from tracker.models import JobRun


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path)


def _noop(job_id: str) -> None:
    """Stand in for the scheduler's runner in schedule tests."""


def test_the_schedule_is_a_static_table(settings):
    scheduler = new_scheduler()
    add_jobs(scheduler, scheduled_jobs(), settings=settings, now=FIXED_NOW, run_job_id=_noop)
    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert list(jobs) == ["poll-treaties", "deadlines", "send-mail", "digests", "check-sources"]
    assert scheduler.timezone == UTC
    for job in jobs.values():
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.misfire_grace_time == JOBS_BY_ID[job.id].misfire_grace_seconds
        assert job.args == (job.id,)
    assert jobs["poll-treaties"].misfire_grace_time < 90 * 60  # less than one interval

    poll = jobs["poll-treaties"].trigger.get_next_fire_time(None, FIXED_NOW)
    late = poll - (FIXED_NOW + FIRST_RUN_DELAY)  # never polled: poll soon after start
    assert timedelta(0) <= late <= timedelta(seconds=POLL_JITTER_SECONDS)
    cron = jobs["deadlines"].trigger
    assert isinstance(cron, CronTrigger) and cron.timezone == UTC
    assert cron.get_next_fire_time(None, FIXED_NOW) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert cron.get_next_fire_time(None, datetime(2026, 3, 1, 5, 59, tzinfo=UTC)) == datetime(
        2026, 3, 1, 6, 0, tzinfo=UTC
    )
    # Immediate alerts leave within a minute: the mail job runs every 30 seconds.
    mail = jobs["send-mail"].trigger
    first = mail.get_next_fire_time(None, FIXED_NOW)
    assert mail.get_next_fire_time(first, first) - first == timedelta(seconds=30)
    digests = jobs["digests"].trigger
    assert isinstance(digests, CronTrigger) and digests.timezone == UTC
    assert digests.get_next_fire_time(None, datetime(2026, 3, 1, 7, 0, tzinfo=UTC)) == datetime(
        2026, 3, 1, 7, 5, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("last_poll", "expected"),
    [
        (None, FIXED_NOW + FIRST_RUN_DELAY),
        (FIXED_NOW - timedelta(minutes=30), FIXED_NOW + timedelta(minutes=60)),
        (FIXED_NOW - timedelta(days=3), FIXED_NOW + FIRST_RUN_DELAY),
    ],
)
def test_the_poll_interval_counts_from_the_last_recorded_poll(settings, last_poll, expected):
    spec = JOBS_BY_ID["poll-treaties"]
    trigger = spec.trigger(settings, now=FIXED_NOW, last_started=last_poll)
    first = trigger.get_next_fire_time(None, FIXED_NOW)
    assert timedelta(0) <= first - expected <= timedelta(seconds=POLL_JITTER_SECONDS)
    after = trigger.get_next_fire_time(first, first)
    assert (
        timedelta(0)
        <= after - (first + timedelta(minutes=90))
        <= timedelta(seconds=POLL_JITTER_SECONDS)
    )


def test_run_now_fires_every_job_at_start_and_diagnostics_are_opt_in(settings):
    scheduler = new_scheduler()
    specs = scheduled_jobs(["heartbeat"])
    add_jobs(scheduler, specs, settings=settings, now=FIXED_NOW, run_job_id=_noop, run_now=True)
    assert [(job.id, job.next_run_time) for job in scheduler.get_jobs()] == [
        ("heartbeat", FIXED_NOW)
    ]
    assert "heartbeat" not in [spec.id for spec in scheduled_jobs()]
    with pytest.raises(UnknownJobError, match="check-sources, deadlines, digests, heartbeat"):
        scheduled_jobs(["no-such-job"])


def test_run_job_records_ok_and_failed_runs(engine, settings):
    ok = run_job("count", engine=engine, settings=settings, now=FIXED_NOW, table=TEST_TABLE)
    failed = run_job("explode", engine=engine, settings=settings, table=TEST_TABLE)
    missing = run_job("missing", engine=engine, settings=settings, table=TEST_TABLE)

    with Session(engine) as session:
        runs = {run.job_id: run for run in session.exec(select(JobRun)).all()}
    assert set(runs) == {"count", "explode", "missing"}
    assert runs["count"].outcome == ok.outcome == "ok"
    assert runs["count"].counts["day"] == 1 and runs["count"].counts["documents"] >= 1
    assert runs["count"].runner == f"{socket.gethostname()}:{os.getpid()}"
    assert runs["count"].started_at <= runs["count"].finished_at
    assert runs["count"].started_at.tzinfo is not None
    assert runs["explode"].outcome == failed.outcome == "failed"
    assert "ValueError: the Treaty Office answered nonsense" in runs["explode"].error
    assert runs["explode"].counts == {} and runs["explode"].finished_at is not None
    assert runs["missing"].outcome == missing.outcome == "failed"
    assert "No module named 'jobs.not_written_yet'" in runs["missing"].error

    with pytest.raises(UnknownJobError, match="known jobs: count, explode, missing"):
        run_job("nope", engine=engine, settings=settings, table=TEST_TABLE)


def test_jobs_commands_run_list_and_reject_unknown_ids(app, monkeypatch):
    monkeypatch.setitem(JOBS_BY_ID, "explode", TEST_TABLE["explode"])
    runner = app.test_cli_runner()

    ok = runner.invoke(args=["jobs", "run", "heartbeat"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("heartbeat: ok (run ") and "beats=1" in ok.output

    failed = runner.invoke(args=["jobs", "run", "explode"])
    assert failed.exit_code == 1
    assert "explode: failed" in failed.output and "answered nonsense" in failed.output

    unknown = runner.invoke(args=["jobs", "run", "poll-everything"])
    assert unknown.exit_code == 2
    assert "unknown job 'poll-everything'; known jobs: check-sources, deadlines" in unknown.output

    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0, listing.output
    lines = {line.split()[0]: line for line in listing.output.splitlines()}
    assert "cron[hour='6', minute='0']" in lines["deadlines"]
    assert "interval[6:00:00]" in lines["poll-treaties"] and "never run" in lines["poll-treaties"]
    assert "last ok at" in lines["heartbeat"]


@pytest.mark.postgres
def test_only_the_newest_runs_of_each_job_are_kept(engine, settings, monkeypatch):
    import jobs.runner

    monkeypatch.setattr(jobs.runner, "RUNS_KEPT_PER_JOB", 3)
    for _ in range(5):
        run_job("heartbeat", engine=engine, settings=settings)
    with Session(engine) as session:
        kept = session.exec(select(JobRun.id).where(JobRun.job_id == "heartbeat")).all()
    assert len(kept) == 3


@pytest.mark.postgres
def test_runs_of_dead_processes_are_marked_abandoned(engine):
    from jobs.runner import mark_abandoned_runs

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    now = clock.now()
    host = socket.gethostname()
    with Session(engine) as session:
        session.add_all(
            [
                JobRun(job_id="poll-treaties", started_at=now, runner=f"{host}:{dead.pid}"),
                JobRun(job_id="deadlines", started_at=now, runner=f"{host}:{os.getpid()}"),
                JobRun(job_id="digests", started_at=now - timedelta(days=2), runner="gone:1"),
                JobRun(job_id="send-mail", started_at=now, runner="elsewhere:1"),
            ]
        )
        session.commit()
    assert mark_abandoned_runs(engine, now=now) == 2
    outcomes = {run.job_id: run.outcome for run in job_runs(engine)}
    assert outcomes == {
        "poll-treaties": "abandoned",
        "deadlines": "running",
        "digests": "abandoned",
        "send-mail": "running",
    }
