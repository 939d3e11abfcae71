"""Digests: exactly their day or week in the digest time zone, once per subscriber and period."""

from datetime import UTC, datetime, timedelta

import pytest

from jobs import send_digests, send_mail
from tests.mail_helpers import (
    NOW,
    change_status,
    confirm,
    mail_ctx,
    subscribe,
    text_of,
)
from tracker.mail.digests import digest_period

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "start", "end"),
    [
        # Mon 2 Feb 2026, 07:00 UTC is the digest hour: Sunday 1 Feb is the last ended day.
        (utc(2026, 2, 2, 7, 0), "UTC", utc(2026, 2, 1), utc(2026, 2, 2)),
        # One second before the hour, the day before that is still the latest due.
        (utc(2026, 2, 2, 6, 59, 59), "UTC", utc(2026, 1, 31), utc(2026, 2, 1)),
        # Almaty is UTC+5: its 1 February runs from 31 January 19:00 UTC.
        (utc(2026, 2, 2, 2, 0), "Asia/Almaty", utc(2026, 1, 31, 19), utc(2026, 2, 1, 19)),
        # A 23-hour day in Berlin (DST starts 29 March 2026).
        (utc(2026, 3, 30, 6, 0), "Europe/Berlin", utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),
    ],
)
def test_a_daily_period_is_the_last_ended_local_day(now, zone, start, end):
    period = digest_period("daily", now, hour=7, weekday="mon", zone=zone)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        # Monday 07:00: the week Monday 26 Jan to Sunday 1 Feb has ended and is due.
        (utc(2026, 2, 2, 7, 0), utc(2026, 1, 26), utc(2026, 2, 2)),
        (utc(2026, 2, 2, 6, 59), utc(2026, 1, 19), utc(2026, 1, 26)),
        (utc(2026, 2, 8, 23, 59), utc(2026, 1, 26), utc(2026, 2, 2)),
        (utc(2026, 2, 9, 7, 0), utc(2026, 2, 2), utc(2026, 2, 9)),
    ],
)
def test_a_weekly_period_is_the_last_ended_week(now, start, end):
    period = digest_period("weekly", now, hour=7, weekday="mon", zone="UTC")
    assert (period.start, period.end) == (start, end)
    assert period.label == f"weekly:{start.date().isoformat()}"


def confirmed(app, smtp_server, email, **kwargs):
    subscribe(app.test_client(), email, **kwargs)
    send_mail.run(mail_ctx(app, smtp_server))
    confirm(app.test_client(), smtp_server.to(email)[-1])


@pytest.mark.postgres
def test_digest_job_twice_sends_one_digest_and_skips_empty_ones(
    app, client, login, smtp_server, mail_clock
):
    confirmed(app, smtp_server, "daily@example.org", frequency="daily")
    confirmed(app, smtp_server, "quiet@example.org", frequency="daily", items=["13"])
    smtp_server.messages.clear()
    login()
    change_status(client, "9.2.1", "in_progress", "Bill tabled", "https://a.example/bill")
    mail_clock.set(NOW.replace(hour=23, minute=59, second=59))
    change_status(client, "10.1", "no_progress", "Nothing", "https://a.example/none")
    # Today's change (after midnight) belongs to tomorrow's digest, never to yesterday's.
    mail_clock.set(NOW.replace(hour=0) + timedelta(days=1))
    change_status(client, "11.1", "in_progress", "Next day", "https://a.example/next")
    after_hour = mail_clock.set(NOW.replace(hour=8) + timedelta(days=1))
    first = send_digests.run(mail_ctx(app, smtp_server, now=after_hour))
    second = send_digests.run(mail_ctx(app, smtp_server, now=after_hour + timedelta(minutes=30)))
    assert first["daily_queued"] == 1 and first["daily_empty"] == 1
    assert second["daily_queued"] == 0 and second["daily_empty"] == 0
    send_mail.run(mail_ctx(app, smtp_server, now=after_hour))
    send_mail.run(mail_ctx(app, smtp_server, now=after_hour + timedelta(hours=1)))
    [digest] = smtp_server.messages
    assert digest["To"] == "daily@example.org"
    assert "Daily digest for Mon 02 Feb 2026" in digest["Subject"]
    assert "2 change(s)" in digest["Subject"]
    body = text_of(digest).replace("\r\n", "\n")
    assert "§9.2.1: Not assessed → In progress" in body and "Bill tabled" in body
    assert "\n* §9.2.1: Not assessed → In progress\n" in body  # one event per line block
    assert "\n* §10.1: Not assessed → No progress\n" in body
    assert "Next day" not in body and "§11.1" not in body.split("Paragraphs whose")[0]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The next day's digest has the next day's change, and only it.
    next_day = mail_clock.advance(days=1)
    assert send_digests.run(mail_ctx(app, smtp_server, now=next_day))["daily_queued"] == 1
    send_mail.run(mail_ctx(app, smtp_server, now=next_day))
    body = text_of(smtp_server.messages[-1])
    assert "Next day" in body and "Bill tabled" not in body
    assert smtp_server.messages[-1]["Message-ID"] != digest["Message-ID"]
