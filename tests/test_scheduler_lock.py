"""The scheduler lock (lease row and advisory lock) and real scheduler processes."""

import os
import signal
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from jobs.leadership import AdvisoryLock, LeaseRow, leadership_for
from jobs.registry import scheduled_jobs
from jobs.scheduler import SchedulerProcess
from tests.conftest import TEST_SECRET
from tests.scheduler_helpers import (
    EXTRA_JOBS_ENV,
    FIXED_NOW,
    TRACKER,
    job_runs,
    make_settings,
    wait_for,
)
from tracker.models import JobRun

pytest_plugins = ["tests.conftest_treaty_office"]


pytestmark = pytest.mark.postgres


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path)


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


def test_two_schedulers_run_the_job_once_and_the_standby_takes_over(engine, database_url, tmp_path):
    env = {
        **os.environ,
        **EXTRA_JOBS_ENV,
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
        wait_for(lambda: len(job_runs(engine)) == 1, "the first scheduler's run")
        second = start("second")
        wait_for(lambda: "standby" in logs["second"].read_text(), "the second to stand by")
        time.sleep(1.5)  # several standby polls: the second must still not run anything
        runs = job_runs(engine)
        assert [(run.job_id, run.outcome, run.runner) for run in runs] == [
            ("heartbeat", "ok", f"{host}:{first.pid}")
        ]

        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=20) == 0, logs["first"].read_text()
        wait_for(
            lambda: [run.outcome for run in job_runs(engine)] == ["ok", "ok"],
            "the standby to take over and finish its run",
        )
        assert job_runs(engine)[1].runner == f"{host}:{second.pid}"
        assert job_runs(engine)[1].counts == {"beats": 1}

        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0, logs["second"].read_text()
        assert "scheduler stopped" in logs["second"].read_text()
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=10)


def test_sigterm_lets_the_running_job_finish(engine, database_url, tmp_path):
    env = {
        **os.environ,
        **EXTRA_JOBS_ENV,
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
        wait_for(lambda: len(job_runs(engine)) == 1, "the sleep job to start")
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=20) == 0, log.read_text()
        [run] = job_runs(engine)
        assert (run.outcome, run.counts) == ("ok", {"slept_seconds": 3}), log.read_text()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)


def test_two_schedulers_started_together_poll_the_treaty_office_once(
    engine, database_url, tmp_path, fake_treaty_office
):
    from tests.fake_treaty_office import SIGNATURES_PATH
    from tests.treaty_helpers import serve_seeded_states

    serve_seeded_states(fake_treaty_office)
    env = {
        **os.environ,
        **EXTRA_JOBS_ENV,
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
        wait_for(lambda: [r.outcome for r in job_runs(engine)] == ["ok"], "one finished poll")
        time.sleep(2)  # the standby keeps polling for the lock; it must run nothing
        [run] = job_runs(engine)
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
