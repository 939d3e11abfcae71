"""The quiet change feed: real changes only, one line each, filtered the same on page, Atom, API."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tracker import clock
from tracker.db import unit_of_work
from tracker.items.classification import set_item_tags
from tracker.items.queries import get_item
from tracker.items.status_changes import Actor, record_status_change
from tracker.models import Treaty
from tracker.treaties.changes import record_treaty_change
from tracker.treaties.queries import treaty_dates

OCTOBER = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)
NOVEMBER = datetime(2025, 11, 20, 9, 30, tzinfo=UTC)


def treaty_move(session, slug: str, state: str, now: datetime, **dates) -> None:
    """Record what a poll saw of one treaty."""
    treaty = session.exec(select(Treaty).where(Treaty.slug == slug)).one()
    record_treaty_change(
        session,
        treaty,
        new_state=state,
        new_dates=treaty_dates(treaty) | dates,
        origin="poll",
        source="Treaty Office chart",
        actor="poll-treaties",
        now=now,
    )


def status(session, number: str, to: str, now: datetime, note: str) -> None:
    item = get_item(session, number)
    record_status_change(
        session,
        item,
        new_status=to,
        note=note,
        evidence_url=None,
        actor=Actor(label="Aigerim (monitor)"),
        expected_version=item.version,
        now=now,
    )


@pytest.fixture
def history(engine):
    """October: a status change and poll noise; November: a treaty signed and a status change."""
    with unit_of_work(engine) as session:
        status(session, "11.4", "in_progress", OCTOBER, "Judicial reform bill tabled")
        set_item_tags(session, get_item(session, "11.4"), slugs=["judiciary"],
                      actor=Actor(label="Aigerim (monitor)"), now=OCTOBER)  # fmt: skip
        treaty_move(session, "ets-127", "in_force", OCTOBER)  # confirms: no change
        treaty_move(session, "ets-165", "in_force", OCTOBER, in_force_on=date(1998, 2, 1))
        signed = datetime(2025, 11, 19, 10, 0, tzinfo=UTC)
        treaty_move(session, "cets-210", "signed", signed, signed_on=date(2025, 11, 19))
        status(session, "9.2.1", "in_progress", NOVEMBER, "Ratification bill tabled")


def lines(html: str) -> list[str]:
    """Return the text of each feed entry's first line."""
    found = re.findall(r'<p class="feed-line">(.*?)</p>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in found]


def test_the_feed_shows_real_changes_once_each_grouped_by_month(client, history):
    html = client.get("/changes").get_data(as_text=True)
    shown = lines(html)
    assert len(shown) == 4, shown
    assert shown[0].startswith("§9.2.1: Not assessed → In progress by Aigerim (monitor)")
    assert shown[1].startswith("CETS 210 Istanbul Convention: Kazakhstan Not signed → Signed")
    assert shown[2].startswith("§11.4: themes now Judiciary")
    assert shown[3].startswith("§11.4: Not assessed → In progress")
    assert "§11.4 §11.4" not in " ".join(shown) and "confirms" not in html
    assert "In force → In force" not in html
    assert re.findall(r'<h2 id="month-\d+">(.*?)</h2>', html) == ["November 2025", "October 2025"]
    assert "Judicial reform bill tabled" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=status", ["§9.2.1", "§11.4"]),
        ("kind=treaty", ["CETS 210 Istanbul Convention"]),
        ("item=9.2.1", ["§9.2.1", "CETS 210 Istanbul Convention"]),  # the treaty it concerns
        ("item=11.4&kind=status", ["§11.4"]),
        ("treaty=cets-210", ["§9.2.1", "CETS 210 Istanbul Convention"]),
        ("tag=judiciary", ["§11.4", "§11.4"]),
        ("since=2025-11-01", ["§9.2.1", "CETS 210 Istanbul Convention"]),
        ("until=2025-10-15", ["§11.4", "§11.4"]),
        ("since=2025-11-20&until=2025-11-20", ["§9.2.1"]),
        ("until=2025-10-14", []),
    ],
)
def test_filters_narrow_the_page_the_atom_feed_and_the_api(client, history, query, expected):
    places = [
        line.split(":")[0] for line in lines(client.get(f"/changes?{query}").get_data(as_text=True))
    ]
    assert places == expected
    atom = client.get(f"/changes.atom?{query}").get_data(as_text=True)
    titles = re.findall(r"<title>(.*?)</title>", atom)[1:]
    assert [t.split(":")[0] for t in titles] == expected
    events = client.get(f"/api/v1/events?{query}").get_json()["events"]
    assert [e["summary"].split(":")[0] for e in reversed(events)] == expected


def test_the_api_without_filters_still_gives_the_whole_log(client, history):
    kinds = {e["kind"] for e in client.get("/api/v1/events").get_json()["events"]}
    assert {"treaty_state_confirmed", "item_treaty_changed"} <= kinds


@pytest.mark.parametrize(
    "query", ["kind=gossip", "item=99", "treaty=nope", "tag=nope", "since=yesterday",
              "since=2025-12-01&until=2025-11-01"]
)  # fmt: skip
def test_a_bad_filter_is_refused_with_a_reason(client, history, query):
    page = client.get(f"/changes?{query}")
    assert page.status_code == 400 and "The filters were ignored." in page.get_data(as_text=True)
    assert client.get(f"/changes.atom?{query}").status_code == 400
    assert client.get(f"/api/v1/events?{query}").status_code == 400


def test_the_dashboard_shows_the_five_latest_real_changes_with_notes(client, history):
    with clock.frozen_at(datetime(2025, 12, 1, tzinfo=UTC)):
        html = client.get("/").get_data(as_text=True)
    recent = html[html.index('id="recent-heading"') : html.index('id="freshness-heading"')]
    assert len(lines(recent)) == 4 and "Ratification bill tabled" in recent
    assert "confirms" not in recent
