"""Helpers for the mail tests: a job context pointing at the test SMTP server, links in mail."""

import dataclasses
import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from jobs.context import JobContext
from tracker import clock
from tracker.models import OutboxMessage

BASE_URL = "https://tracker.example.org"
NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def mail_ctx(app, smtp, *, now: datetime = NOW, **overrides) -> JobContext:
    """Return a job context whose settings send through the test SMTP server."""
    values = {"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_timeout_seconds": 5}
    settings = dataclasses.replace(app.extensions["tracker_settings"], **(values | overrides))
    return JobContext(engine=app.extensions["db_engine"], settings=settings, now=now)


def link(message, path: str) -> str:
    """Return the site path of the first link to ``path`` in a received message's text."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(re.escape(BASE_URL) + r"(" + re.escape(path) + r"[^\s]*)", text)
    assert match, f"no {path} link in:\n{text}"
    return match.group(1)


def text_of(message) -> str:
    """Return the plain text body of a received message."""
    return message.get_body(preferencelist=("plain",)).get_content()


def outbox(engine) -> list[OutboxMessage]:
    """Return every outbox row, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def send_now(app, smtp, *, ahead: timedelta = timedelta(0)):
    """Send the due outbox as a sender whose clock is ``ahead`` of the real time."""
    from tracker.mail.sending import send_due_mail
    from tracker.mail.settings import retry_policy, smtp_settings

    settings = mail_ctx(app, smtp).settings
    return send_due_mail(
        app.extensions["db_engine"],
        smtp=smtp_settings(settings),
        retry=retry_policy(settings),
        clock=lambda: clock.now() + ahead,
    )
