"""Digest periods: exactly the last ended day or week in the digest time zone."""

from datetime import UTC, datetime

import pytest

from tracker.mail.digests import digest_period


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
