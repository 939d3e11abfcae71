"""Job: announce invitation milestones that are due (90, 30, 7 days, lapsed)."""

from jobs.context import JobContext
from tracker.db import begin_write, unit_of_work
from tracker.treaties.deadlines import announce_due_invitations


def run(ctx: JobContext) -> dict[str, int]:
    """Announce every newly reached milestone and return the counts."""
    with unit_of_work(ctx.engine) as session:
        begin_write(session)
        return announce_due_invitations(session, now=ctx.now)
