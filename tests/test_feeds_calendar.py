"""Points 5 and 6: Atom per paragraph and per treaty, announced on their pages; the calendar."""

import re
from datetime import UTC, date, datetime, time, timedelta

import feedparser
import pytest
from icalendar import Calendar
from sqlmodel import Session, select

from jobs import deadlines
from jobs.context import JobContext
from tests.open_data_helpers import TRICKY_NOTE, change_status, fetch
from tracker.models import Treaty

pytest_plugins = ["tests.conftest_browser"]

BASE = "https://tracker.example.org"


def parsed(body: bytes):
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_a_paragraph_feed_lists_its_changes_with_stable_ids(engine, live_server):
    change_status(engine, "9.2.1", note=TRICKY_NOTE)
    change_status(engine, "9.2.1", "implemented", note="Law in force")
    change_status(engine, "12.3", note="elsewhere")
    first = fetch(f"{live_server}/texts/res-2616/9.2.1/feed.atom")
    assert first.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = parsed(first.body)
    assert feed.feed.id == f"{BASE}/texts/res-2616/9.2.1/feed.atom"
    assert feed.feed.link == f"{BASE}/texts/res-2616/9.2.1"
    assert [e.title for e in feed.entries] == [
        "§9.2.1: In progress → Implemented",
        "§9.2.1: Not assessed → In progress",
    ]
    assert all(re.fullmatch(rf"{re.escape(BASE)}/changes#event-\d+", e.id) for e in feed.entries)
    assert TRICKY_NOTE.replace("\r\n", "\n") in feed.entries[1].summary.replace("\r\n", "\n")
    assert feed.entries[0].author == "Ana Monitor"
    # The same entry has the same id in the global feed and on the next request.
    again = parsed(fetch(f"{live_server}/texts/res-2616/9.2.1/feed.atom").body)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    everything = parsed(fetch(f"{live_server}/changes.atom").body)
    assert {e.id for e in feed.entries} < {e.id for e in everything.entries}
    assert everything.feed.id == f"{BASE}/changes.atom" and len(everything.entries) == 3


def test_a_treaty_feed_lists_its_changes(app, engine, live_server):
    with Session(engine) as session:
        treaty = session.exec(select(Treaty).where(Treaty.slug == "ets-030")).one()
        lapses_on = treaty.invitation_lapses_on
    now = datetime.combine(lapses_on - timedelta(days=30), time(8), UTC)
    deadlines.run(JobContext(engine=engine, settings=app.extensions["tracker_settings"], now=now))
    feed = parsed(fetch(f"{live_server}/treaties/ets-030/feed.atom").body)
    assert feed.feed.id == f"{BASE}/treaties/ets-030/feed.atom"
    (entry,) = feed.entries
    assert "lapses in 30 days" in entry.title and entry.link == f"{BASE}/treaties/ets-030"
    assert parsed(fetch(f"{live_server}/treaties/ets-018/feed.atom").body).entries == []


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/texts/res-2616/9.2.1", "/texts/res-2616/9.2.1/feed.atom"),
        ("/treaties/cets-210", "/treaties/cets-210/feed.atom"),
    ],
)
def test_pages_announce_their_feed(client, page, feed):
    html = client.get(page).get_data(as_text=True)
    announced = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"',
                           html)
    assert feed in announced and "/changes.atom" in announced


def test_unknown_feeds_are_404(client):
    assert client.get("/texts/res-2616/77/feed.atom").status_code == 404
    assert client.get("/treaties/nope/feed.atom").status_code == 404


def test_the_deadlines_calendar(live_server, session):
    answer = fetch(f"{live_server}/deadlines.ics")
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(answer.body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    open_invitations = session.exec(
        select(Treaty).where(Treaty.invitation_lapses_on.is_not(None),
                             Treaty.consent_on.is_(None))
    ).all()
    assert open_invitations and len(events) == 4 * len(open_invitations)
    uids = [str(event["UID"]) for event in events]
    assert len(set(uids)) == len(uids)
    for treaty in open_invitations:
        lapses = treaty.invitation_lapses_on
        mine = {str(e["UID"]): e for e in events if str(e["UID"]).startswith(treaty.slug + "-")}
        starts = sorted(e.decoded("DTSTART") for e in mine.values())
        assert starts == [lapses - timedelta(days=d) for d in (90, 30, 7, 0)]
        lapse = mine[f"{treaty.slug}-{lapses.isoformat()}-lapsed@tracker.example.org"]
        assert lapse.decoded("DTSTART") == lapses and "lapses today" in str(lapse["SUMMARY"])
        assert str(lapse["URL"]) == f"{BASE}/treaties/{treaty.slug}"
    again = Calendar.from_ical(fetch(f"{live_server}/deadlines.ics").body)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


def test_a_consented_treaty_leaves_the_calendar(client, engine):
    with Session(engine) as session:
        treaty = session.exec(select(Treaty).where(Treaty.slug == "ets-030")).one()
        treaty.consent_on = date(2026, 1, 1)
        session.add(treaty)
        session.commit()
    body = client.get("/deadlines.ics").data
    assert b"ets-030-" not in body
