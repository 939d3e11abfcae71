"""The dashboard's status-over-time chart: month-end counts, and a fresh answer per change."""

from datetime import UTC, date, datetime

from sqlmodel import select

from tracker.db import unit_of_work
from tracker.items.status_changes import Actor, record_status_change
from tracker.items.timeline import month_ends, status_timeline
from tracker.models import Item

ACTOR = Actor(label="Monitor 1")
NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)


def _change(engine, number: str, status: str, happened_on: date) -> None:
    with unit_of_work(engine) as session:
        item = session.exec(select(Item).where(Item.number == number)).first()
        record_status_change(
            session,
            item,
            new_status=status,
            note="seen",
            evidence_url=None,
            actor=ACTOR,
            expected_version=item.version,
            now=NOW,
            happened_on=happened_on,
        )


def _operative(session) -> int:
    return len(session.exec(select(Item.id).where(Item.role == "operative")).all())


def test_month_ends_end_today_and_keep_the_last_24():
    assert month_ends(date(2026, 1, 15), date(2026, 3, 20)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 20),
    ]
    assert len(month_ends(date(2020, 1, 1), date(2026, 3, 20))) == 24


def test_each_month_end_counts_the_status_each_operative_item_had_then(engine, session):
    _change(engine, "9.2.1", "in_progress", date(2026, 1, 10))
    _change(engine, "9.2.1", "implemented", date(2026, 3, 2))
    # Recorded last but happened first: the order is the day it happened.
    _change(engine, "11.5", "no_progress", date(2026, 1, 5))
    points = status_timeline(session, start=date(2026, 1, 1), today=NOW.date())
    assert [point.on for point in points] == month_ends(date(2026, 1, 1), NOW.date())
    january, february, march = (point.counts for point in points)
    total = _operative(session)
    assert january["in_progress"] == 1 and january["no_progress"] == 1
    assert january["not_assessed"] == total - 2
    assert february == january
    assert march["implemented"] == 1 and march["in_progress"] == 0
    assert all(point.total == total for point in points)


def test_a_new_change_gives_a_new_answer_at_once(engine, session):
    before = status_timeline(session, start=date(2026, 1, 1), today=NOW.date())
    assert before[-1].counts["regressed"] == 0
    _change(engine, "11.5", "regressed", date(2026, 3, 1))
    after = status_timeline(session, start=date(2026, 1, 1), today=NOW.date())
    assert after[-1].counts["regressed"] == 1
