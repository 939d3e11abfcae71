"""Job: queue immediate alerts and monitor alerts, then send what the outbox holds."""

from jobs.context import JobContext
from tracker import clock
from tracker.db import begin_write, unit_of_work
from tracker.mail.alerts import queue_immediate_alerts, queue_monitor_alerts
from tracker.mail.sending import send_due_mail
from tracker.mail.settings import retry_policy, smtp_settings


def run(ctx: JobContext) -> dict[str, int]:
    """Queue what is due and send it; SMTP being down leaves everything queued."""
    with unit_of_work(ctx.engine) as session:
        begin_write(session)
        alerts = queue_immediate_alerts(session, ctx.settings, now=ctx.now)
        monitor_alerts = queue_monitor_alerts(session, ctx.settings, now=ctx.now)
    sent = send_due_mail(
        ctx.engine,
        smtp=smtp_settings(ctx.settings),
        retry=retry_policy(ctx.settings),
        clock=clock.now,
    )
    return {"alerts_queued": alerts, "monitor_alerts_queued": monitor_alerts} | sent.as_dict()
