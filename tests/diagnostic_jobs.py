"""Diagnostic jobs the scheduler tests run; importing this module registers them.

Scheduler processes started by the tests import it through ``TRACKER_EXTRA_JOBS``.
"""

import time
from datetime import UTC, datetime

from apscheduler.triggers.interval import IntervalTrigger

from jobs.context import JobContext
from jobs.registry import JobSpec, register_jobs


def every_minute(_settings, now: datetime, _last: datetime | None) -> IntervalTrigger:
    """Fire every minute from ``now`` (the diagnostic jobs' trigger)."""
    return IntervalTrigger(minutes=1, start_date=now, timezone=UTC)


def heartbeat(ctx: JobContext) -> dict[str, int]:
    """Do nothing but count one beat; its JobRun row is the evidence."""
    return {"beats": 1}


def sleep(ctx: JobContext) -> dict[str, int]:
    """Sleep three seconds, long enough to send a signal mid-run."""
    time.sleep(3)
    return {"slept_seconds": 3}


register_jobs(
    JobSpec(
        id="heartbeat",
        target="tests.diagnostic_jobs:heartbeat",
        description="Record that the scheduler ran a job (diagnostics)",
        make_trigger=every_minute,
        misfire_grace_seconds=30,
        scheduled=False,
    ),
    JobSpec(
        id="sleep",
        target="tests.diagnostic_jobs:sleep",
        description="Sleep a few seconds, to test shutdown during a run (diagnostics)",
        make_trigger=every_minute,
        misfire_grace_seconds=30,
        scheduled=False,
    ),
)
