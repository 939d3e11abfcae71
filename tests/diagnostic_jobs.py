"""Diagnostic jobs the scheduler tests run; importing this module registers them.

Scheduler processes started by the tests import it through ``TRACKER_EXTRA_JOBS``.
"""

import time

from jobs.context import JobContext
from jobs.registry import JobSpec, _every_minute, register_jobs


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
        make_trigger=_every_minute,
        misfire_grace_seconds=30,
        scheduled=False,
    ),
    JobSpec(
        id="sleep",
        target="tests.diagnostic_jobs:sleep",
        description="Sleep a few seconds, to test shutdown during a run (diagnostics)",
        make_trigger=_every_minute,
        misfire_grace_seconds=30,
        scheduled=False,
    ),
)
