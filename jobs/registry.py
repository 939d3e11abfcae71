"""The static job table: fixed ids, triggers and grace times; functions named by import string."""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.context import JobContext
from tracker.config import Settings

JobFunction = Callable[[JobContext], Mapping[str, int]]

# A few seconds of jitter keep polls from landing on the same second as other clients' cron jobs.
POLL_JITTER_SECONDS = 5
# A fresh or long-stopped scheduler polls this soon after start-up, once the process has settled.
FIRST_RUN_DELAY = timedelta(minutes=1)


class UnknownJobError(KeyError):
    """A job id that is not in the job table."""

    def __init__(self, job_id: str, known: list[str]) -> None:
        super().__init__(job_id)
        self.job_id = job_id
        self.known = known

    def __str__(self) -> str:
        return f"unknown job {self.job_id!r}; known jobs: {', '.join(self.known)}"


@dataclass(frozen=True)
class JobSpec:
    """One job of the table: what runs, when, and how late it may still run."""

    id: str
    target: str  # "module:function", imported when the job runs
    description: str
    make_trigger: Callable[[Settings, datetime, datetime | None], BaseTrigger]
    misfire_grace_seconds: int
    scheduled: bool = True  # diagnostic jobs run only when asked for by id

    def trigger(
        self, settings: Settings, *, now: datetime, last_started: datetime | None = None
    ) -> BaseTrigger:
        """Build this job's trigger as seen from ``now``, after a last run (if any)."""
        return self.make_trigger(settings, now, last_started)

    def resolve(self) -> JobFunction:
        """Import and return the job's function."""
        module_name, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module_name), attribute)


def _poll_trigger(settings: Settings, now: datetime, last_started: datetime | None) -> BaseTrigger:
    # Count the interval from the last recorded poll, not from start-up: a scheduler restarted
    # more often than the interval would otherwise never poll. Overdue or never: poll soon.
    interval = timedelta(minutes=settings.poll_interval_minutes)
    due = last_started + interval if last_started else now
    return IntervalTrigger(
        minutes=settings.poll_interval_minutes,
        start_date=max(due, now + FIRST_RUN_DELAY),
        timezone=UTC,
        jitter=POLL_JITTER_SECONDS,
    )


def _daily_at_six(_settings: Settings, _now: datetime, _last: datetime | None) -> BaseTrigger:
    # timezone= is required: without it CronTrigger uses the host's zone, not the scheduler's.
    return CronTrigger(hour=6, minute=0, timezone=UTC)


def _every_half_minute(_settings: Settings, now: datetime, _last: datetime | None) -> BaseTrigger:
    return IntervalTrigger(seconds=30, start_date=now + timedelta(seconds=5), timezone=UTC)


def _hourly(_settings: Settings, _now: datetime, _last: datetime | None) -> BaseTrigger:
    # Each run queues whatever period has ended (TRACKER_DIGEST_HOUR): hourly runs make a
    # restart or a missed hour cost at most an hour, never a digest.
    return CronTrigger(minute=5, timezone=UTC)


def _every_five_minutes(_settings: Settings, now: datetime, _last: datetime | None) -> BaseTrigger:
    # Each watched source has its own interval, kept in the database; this only looks for due ones.
    return IntervalTrigger(minutes=5, start_date=now + FIRST_RUN_DELAY, timezone=UTC)


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        id="poll-treaties",
        target="jobs.poll_treaties:run_scheduled",
        description="Poll the Treaty Office for Kazakhstan's signatures and ratifications",
        make_trigger=_poll_trigger,
        # A poll hours late is still useful; the next one would be a whole interval away.
        misfire_grace_seconds=60 * 60,
    ),
    JobSpec(
        id="deadlines",
        target="jobs.deadlines:run",
        description="Announce invitations to accede that lapse in 90, 30 or 7 days, or lapsed",
        make_trigger=_daily_at_six,
        # Deadlines are per day: running late the same day is right, the next day is not.
        misfire_grace_seconds=6 * 60 * 60,
    ),
    JobSpec(
        id="send-mail",
        target="jobs.send_mail:run",
        description="Queue immediate alerts and monitor alerts, then send the outbox",
        make_trigger=_every_half_minute,
        # Immediate alerts must leave within a minute of their event.
        misfire_grace_seconds=30,
    ),
    JobSpec(
        id="digests",
        target="jobs.send_digests:run",
        description="Queue the daily and weekly digests of ended periods; expire unconfirmed",
        make_trigger=_hourly,
        # Periods are kept in the database, so a late or missed run only delays a digest.
        misfire_grace_seconds=60 * 60,
    ),
    JobSpec(
        id="check-sources",
        target="jobs.check_sources:run_scheduled",
        description="Check the watched feeds and pages that are due; new documents go to the inbox",
        make_trigger=_every_five_minutes,
        # Due sources stay due in the database, so a skipped run only delays them.
        misfire_grace_seconds=5 * 60,
    ),
)

JOBS_BY_ID: dict[str, JobSpec] = {spec.id: spec for spec in JOBS}


def register_jobs(*specs: JobSpec) -> None:
    """Add jobs to the table (tests' diagnostic jobs, a site's own); never replace one."""
    for spec in specs:
        if JOBS_BY_ID.get(spec.id, spec) is not spec:
            raise ValueError(f"a job {spec.id!r} is already registered")
        JOBS_BY_ID[spec.id] = spec


def load_extra_jobs(modules: str) -> None:
    """Import each module named (comma-separated); each registers its jobs when imported."""
    for name in filter(None, (part.strip() for part in modules.split(","))):
        importlib.import_module(name)


def get_job(job_id: str, table: Mapping[str, JobSpec] | None = None) -> JobSpec:
    """Return the job with this id or raise ``UnknownJobError`` naming the known ids."""
    table = JOBS_BY_ID if table is None else table
    try:
        return table[job_id]
    except KeyError:
        raise UnknownJobError(job_id, sorted(table)) from None


def scheduled_jobs(
    job_ids: list[str] | tuple[str, ...] = (), table: Mapping[str, JobSpec] | None = None
) -> list[JobSpec]:
    """Return the jobs a scheduler runs: the given ids, or every scheduled job of the table."""
    table = JOBS_BY_ID if table is None else table
    if job_ids:
        return [get_job(job_id, table) for job_id in job_ids]
    return [spec for spec in table.values() if spec.scheduled]
