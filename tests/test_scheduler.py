"""The job table as data, the job runner's records, the scheduler lock and two real schedulers."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from jobs.context import JobContext
from jobs.leadership import AdvisoryLock, LeaseRow, leadership_for
from jobs.registry import (
    FIRST_RUN_DELAY,
    JOBS_BY_ID,
    POLL_JITTER_SECONDS,
    JobSpec,
    UnknownJobError,
    scheduled_jobs,
)
from jobs.runner import run_job
from jobs.scheduler import SchedulerProcess, add_jobs, new_scheduler
from tests.conftest import TEST_SECRET
from tracker.config import load_settings
from tracker.models import JobRun

pytest_plugins = ["tests.conftest_treaty_office"]

FIXED_NOW = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        {"TRACKER_SECRET_KEY": TEST_SECRET, "TRACKER_POLL_INTERVAL_MINUTES": "90"},
        instance_path=tmp_path,
    )


def _noop(job_id: str) -> None:
    """Stand in for the scheduler's runner in schedule tests."""


def test_the_schedule_is_a_static_table(settings):
    scheduler = new_scheduler()
    add_jobs(scheduler, scheduled_jobs(), settings=settings, now=FIXED_NOW, run_job_id=_noop)
    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert list(jobs) == ["poll-treaties", "deadlines", "send-mail", "digests"]
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
    with pytest.raises(UnknownJobError, match="known jobs: deadlines, digests, heartbeat"):
        scheduled_jobs(["no-such-job"])


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
        JobSpec("count", "tests.test_scheduler:count_documents", "count", None, 60),
        JobSpec("explode", "tests.test_scheduler:explode", "explode", None, 60),
        JobSpec("missing", "jobs.not_written_yet:run", "missing", None, 60),
    )
}


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


@pytest.mark.parametrize("kind", ["lock", "lease"])
def test_only_one_holder_at_a_time(engine, kind):
    if kind == "lock" and engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    make = AdvisoryLock if kind == "lock" else LeaseRow
    first, second = make(engine), make(engine)
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.renew() and first.acquire()  # taking it again is a renewal
        first.release()
        assert not first.renew()
        assert second.acquire()
        assert not first.acquire()
    finally:
        first.release()
        second.release()


def test_an_expired_lease_passes_to_the_standby_and_the_old_holder_cannot_run(engine):
    first, second = LeaseRow(engine, seconds=90), LeaseRow(engine, seconds=90)
    assert first.acquire(now=FIXED_NOW)
    assert first.renew(now=FIXED_NOW + timedelta(seconds=30))  # now valid until +120 s
    assert not second.acquire(now=FIXED_NOW + timedelta(seconds=119))
    assert second.acquire(now=FIXED_NOW + timedelta(seconds=121))
    # The first process was paused past its lease: resumed, it must find it lost.
    assert not first.renew(now=FIXED_NOW + timedelta(seconds=122))
    assert not first.acquire(now=FIXED_NOW + timedelta(seconds=122))


def test_a_dead_connection_frees_the_advisory_lock(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    first, second = AdvisoryLock(engine), AdvisoryLock(engine)
    assert first.acquire()
    backend = first._connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        deadline = time.monotonic() + 10
        while not second.acquire():
            assert time.monotonic() < deadline, "the lock outlived its connection"
            time.sleep(0.1)
        assert not first.renew()
    finally:
        second.release()
        first.release()
        killer.dispose()


def test_a_process_without_the_lock_does_not_run_jobs(engine, settings):
    holder, late = leadership_for(engine), leadership_for(engine)
    assert holder.acquire()
    process = SchedulerProcess(
        engine=engine, settings=settings, specs=scheduled_jobs(["heartbeat"]), leadership=late
    )
    try:
        process.run_guarded("heartbeat")
        with Session(engine) as session:
            assert session.exec(select(JobRun)).all() == []
    finally:
        holder.release()


# --- two real scheduler processes -------------------------------------------------------------

TRACKER = str(Path(sys.executable).parent / "tracker")


def _runs(engine) -> list[JobRun]:
    with Session(engine) as session:
        return list(session.exec(select(JobRun).order_by(JobRun.id)).all())


def _wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_two_schedulers_run_the_job_once_and_the_standby_takes_over(engine, database_url, tmp_path):
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_SECRET_KEY": TEST_SECRET,
        "TRACKER_SCHEDULER_JOBS": "heartbeat",
    }
    command = [TRACKER, "scheduler", "--run-now", "--standby-poll-seconds", "0.5"]
    host = socket.gethostname()
    logs = {name: tmp_path / f"{name}.log" for name in ("first", "second")}
    children: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        with logs[name].open("wb") as log:
            child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        children.append(child)
        return child

    try:
        first = start("first")
        _wait_for(lambda: len(_runs(engine)) == 1, "the first scheduler's run")
        second = start("second")
        _wait_for(lambda: "standby" in logs["second"].read_text(), "the second to stand by")
        time.sleep(1.5)  # several standby polls: the second must still not run anything
        runs = _runs(engine)
        assert [(run.job_id, run.outcome, run.runner) for run in runs] == [
            ("heartbeat", "ok", f"{host}:{first.pid}")
        ]

        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=20) == 0, logs["first"].read_text()
        _wait_for(
            lambda: [run.outcome for run in _runs(engine)] == ["ok", "ok"],
            "the standby to take over and finish its run",
        )
        assert _runs(engine)[1].runner == f"{host}:{second.pid}"
        assert _runs(engine)[1].counts == {"beats": 1}

        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0, logs["second"].read_text()
        assert "scheduler stopped" in logs["second"].read_text()
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=10)


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
    assert "unknown job 'poll-everything'; known jobs: deadlines" in unknown.output

    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0, listing.output
    lines = {line.split()[0]: line for line in listing.output.splitlines()}
    assert "cron[hour='6', minute='0']" in lines["deadlines"]
    assert "interval[6:00:00]" in lines["poll-treaties"] and "never run" in lines["poll-treaties"]
    assert "last ok at" in lines["heartbeat"]


def test_sigterm_lets_the_running_job_finish(engine, database_url, tmp_path):
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_SECRET_KEY": TEST_SECRET,
        "TRACKER_SCHEDULER_JOBS": "sleep",
    }
    log = tmp_path / "scheduler.log"
    with log.open("wb") as out:
        child = subprocess.Popen(
            [TRACKER, "scheduler", "--run-now"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for(lambda: len(_runs(engine)) == 1, "the sleep job to start")
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=20) == 0, log.read_text()
        [run] = _runs(engine)
        assert (run.outcome, run.counts) == ("ok", {"slept_seconds": 3}), log.read_text()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)


def test_only_the_newest_runs_of_each_job_are_kept(engine, settings, monkeypatch):
    import jobs.runner

    monkeypatch.setattr(jobs.runner, "RUNS_KEPT_PER_JOB", 3)
    for _ in range(5):
        run_job("heartbeat", engine=engine, settings=settings)
    with Session(engine) as session:
        kept = session.exec(select(JobRun.id).where(JobRun.job_id == "heartbeat")).all()
    assert len(kept) == 3


def test_two_schedulers_started_together_poll_the_treaty_office_once(
    engine, database_url, tmp_path, fake_treaty_office
):
    from tests.fake_treaty_office import SIGNATURES_PATH
    from tests.treaty_helpers import serve_seeded_states

    serve_seeded_states(fake_treaty_office)
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_SECRET_KEY": TEST_SECRET,
        "TRACKER_SCHEDULER_JOBS": "poll-treaties",
        "TRACKER_COE_PAGE_URL": fake_treaty_office.page_url,
        "TRACKER_COE_API_URL": fake_treaty_office.api_url,
        "TRACKER_COE_TOKEN": fake_treaty_office.token,
    }
    command = [TRACKER, "scheduler", "--run-now", "--standby-poll-seconds", "0.5"]
    children = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        _wait_for(lambda: [r.outcome for r in _runs(engine)] == ["ok"], "one finished poll")
        time.sleep(2)  # the standby keeps polling for the lock; it must run nothing
        [run] = _runs(engine)
        assert run.job_id == "poll-treaties" and run.counts["treaties"] == 10
        assert run.counts["failed"] == 0
        assert fake_treaty_office.count(SIGNATURES_PATH) == 10  # one poll, not two
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            assert child.wait(timeout=20) == 0
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=10)


def test_runs_of_dead_processes_are_marked_abandoned(engine):
    from jobs.runner import mark_abandoned_runs

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    now = datetime.now(UTC)
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
    outcomes = {run.job_id: run.outcome for run in _runs(engine)}
    assert outcomes == {
        "poll-treaties": "abandoned",
        "deadlines": "running",
        "digests": "abandoned",
        "send-mail": "running",
    }
