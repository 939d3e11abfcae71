"""Invitation deadlines: 90, 30 and 7 days before the lapse, and the lapse, once each."""

from datetime import UTC, date, datetime, timedelta

import pytest

from jobs import deadlines
from jobs.context import JobContext
from tests.treaty_helpers import events

LAPSE = date(2030, 6, 18)  # ETS 030, seeded: invited 18 June 2025 for five years


def run_on(app, day: date) -> dict[str, int]:
    now = datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)
    ctx = JobContext(app.extensions["db_engine"], app.extensions["tracker_settings"], now)
    return deadlines.run(ctx)


def ets030_milestones(engine) -> list[str]:
    found = events(engine, "invitation_deadline")
    return [e.payload["milestone"] for e in found if e.payload["treaty"] == "ets-030"]


@pytest.mark.postgres
def test_each_milestone_once(app, engine):
    assert ets030_milestones(engine) == []
    for days_before in (200, 91, 90, 89, 30, 30, 8, 7, 6, 1, 0, -1, -30):
        run_on(app, LAPSE - timedelta(days=days_before))
    assert ets030_milestones(engine) == ["90_days", "30_days", "7_days", "lapsed"]
    summaries = [e.summary for e in events(engine, "invitation_deadline")]
    expected = (
        "ETS 030 Mutual Assistance in Criminal Matters: the invitation to accede lapses"
        " in 90 days, on 2030-06-18"
    )
    assert expected in summaries


def test_a_late_first_run_announces_only_the_latest_milestone(app, engine):
    run_on(app, LAPSE - timedelta(days=5))
    run_on(app, LAPSE - timedelta(days=5))
    assert ets030_milestones(engine) == ["7_days"]


def test_an_already_lapsed_invitation_is_announced_once(app, engine):
    first = run_on(app, date(2026, 1, 15))
    assert first["announced"] == 1  # CETS 210: lapsed on 22 April 2025 unless extended
    assert run_on(app, date(2026, 1, 16))["announced"] == 0
    [lapsed] = events(engine, "invitation_deadline")
    assert lapsed.payload == {
        "treaty": "cets-210",
        "milestone": "lapsed",
        "lapses_on": "2025-04-22",
    }



def test_a_late_run_says_the_days_actually_left(app, engine):
    run_on(app, LAPSE - timedelta(days=85))
    [announced] = [e for e in events(engine, "invitation_deadline") if "ETS 030" in e.summary]
    assert announced.summary.endswith("lapses in 85 days, on 2030-06-18")
    assert announced.payload["milestone"] == "90_days"


def test_no_deadline_once_the_invitation_is_answered(app, engine):
    from sqlmodel import Session, select

    from tracker.models import Treaty

    with Session(engine) as session:
        ets030 = session.exec(select(Treaty).where(Treaty.slug == "ets-030")).one()
        ets030.consent_on = LAPSE - timedelta(days=400)
        session.add(ets030)
        session.commit()
    run_on(app, LAPSE - timedelta(days=30))
    assert ets030_milestones(engine) == []
