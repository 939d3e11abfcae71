"""Job: queue the digests of periods that have ended; expire unconfirmed sign-ups."""

from datetime import timedelta

from jobs.context import JobContext
from tracker.db import begin_write, unit_of_work
from tracker.mail.digests import queue_digests
from tracker.mail.subscriptions import expire_unconfirmed


def run(ctx: JobContext) -> dict[str, int]:
    """Queue every digest due by now; the sender job mails them."""
    counts: dict[str, int] = {}
    for frequency in ("daily", "weekly"):
        with unit_of_work(ctx.engine) as session:
            begin_write(session)
            done = queue_digests(session, ctx.settings, frequency=frequency, now=ctx.now)
        counts[f"{frequency}_queued"] = done.queued
        counts[f"{frequency}_empty"] = done.empty
    with unit_of_work(ctx.engine) as session:
        begin_write(session)
        counts["unconfirmed_expired"] = expire_unconfirmed(
            session,
            now=ctx.now,
            max_age=timedelta(hours=ctx.settings.unconfirmed_expiry_hours),
        )
    return counts
