"""Job: queue immediate alerts and monitor alerts, then send what the outbox holds."""

from jobs.context import JobContext
from tracker import clock
from tracker.mail.alerts import queue_due_alerts
from tracker.mail.sending import TransportFailed, send_due_mail
from tracker.mail.settings import retry_policy, smtp_settings


def run(ctx: JobContext) -> dict[str, int]:
    """Queue what is due and send it; a transport failure fails the run, with the reason."""
    queued = queue_due_alerts(ctx.engine, ctx.settings, now=ctx.now)
    sent = send_due_mail(
        ctx.engine,
        smtp=smtp_settings(ctx.settings),
        retry=retry_policy(ctx.settings),
        clock=clock.now,
    )
    if sent.transport_errors:
        # Everything stays queued for a retry; the run says why nothing (or not all) went.
        raise TransportFailed(sent)
    return queued | sent.as_dict()
