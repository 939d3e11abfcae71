"""The ``tracker digest`` and ``tracker outbox`` commands, for operators."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from tracker import clock
from tracker.db import begin_write
from tracker.mail.alerts import queue_due_alerts
from tracker.mail.digests import queue_digests
from tracker.mail.outbox_reads import outbox_counts
from tracker.mail.sending import TransportFailed, send_due_mail
from tracker.mail.settings import retry_policy, smtp_settings


@click.group("digest")
def digest_group() -> None:
    """Build digests by hand."""


@digest_group.command("send")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), required=True)
@click.option(
    "--dry-run", is_flag=True, help="Show who would get a digest; store and send nothing."
)
@with_appcontext
def digest_send(frequency: str, dry_run: bool) -> None:
    """Queue the digests of the latest ended period, then send the outbox."""
    engine = current_app.extensions["db_engine"]
    settings = current_app.extensions["tracker_settings"]
    with Session(engine, expire_on_commit=False) as session:
        begin_write(session)
        counts = queue_digests(session, settings, frequency=frequency, now=clock.now())
        if dry_run:
            session.rollback()
        else:
            session.commit()
    for email, changes in counts.recipients:
        click.echo(f"{'would queue' if dry_run else 'queued'}: {email} ({changes} change(s))")
    click.echo(
        f"{counts.queued} digest(s) {'would be ' if dry_run else ''}queued, "
        f"{counts.empty} empty (not sent), {counts.already_done} already done "
        f"for this period, of {counts.subscribers} {frequency} subscriber(s)."
    )
    if not dry_run:
        _send(engine, settings)


@click.group("outbox")
def outbox_group() -> None:
    """Look at and send the outbox."""


@outbox_group.command("send")
@with_appcontext
def outbox_send() -> None:
    """Queue the alerts for events not yet handled, then send every due message."""
    engine = current_app.extensions["db_engine"]
    settings = current_app.extensions["tracker_settings"]
    queued = queue_due_alerts(engine, settings, now=clock.now())
    click.echo(
        f"queued {queued['alerts_queued']} alert(s), "
        f"{queued['monitor_alerts_queued']} monitor alert(s)."
    )
    _send(engine, settings)


def _send(engine, settings) -> None:
    with Session(engine) as session:
        due = outbox_counts(session)["pending"]
    with click.progressbar(length=due, label="Sending", show_pos=True) as bar:
        sent = send_due_mail(
            engine,
            smtp=smtp_settings(settings),
            retry=retry_policy(settings),
            clock=clock.now,
            on_progress=bar.update,
        )
    click.echo(f"sent {sent.sent}, will retry {sent.retrying}, failed for good {sent.failed}.")
    if sent.transport_errors:
        raise click.ClickException(str(TransportFailed(sent)))


COMMANDS = (digest_group, outbox_group)
