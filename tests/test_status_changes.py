"""The one status writer: history, events, validation, append-only, concurrency."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from tracker.db import begin_write, unit_of_work
from tracker.events import events_after
from tracker.items.queries import get_item
from tracker.items.status_changes import (
    Actor,
    StaleItemError,
    StatusChangeError,
    record_status_change,
    status_history,
)
from tracker.models import Event, StatusChange

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONITOR = Actor(label="Monitor 1")


def change(
    session,
    number="9.2.1",
    *,
    to="in_progress",
    version=None,
    note="Draft law tabled",
    url="https://example.org/law",
    now=NOW,
    actor=MONITOR,
):
    item = get_item(session, number)
    return record_status_change(
        session,
        item,
        new_status=to,
        note=note,
        evidence_url=url,
        actor=actor,
        expected_version=item.version if version is None else version,
        now=now,
    )


@pytest.mark.postgres
def test_change_writes_status_history_and_event_together(session):
    row = change(session)
    session.commit()
    item = get_item(session, "9.2.1")
    assert (item.status, item.status_changed_at, item.version) == ("in_progress", NOW, 1)
    [history] = status_history(session, item.id)
    assert (history.from_status, history.to_status, history.note, history.actor) == (
        "not_assessed",
        "in_progress",
        "Draft law tabled",
        "Monitor 1",
    )
    assert history.evidence_url == "https://example.org/law"
    [event] = events_after(session, 0, limit=10)
    assert event.id == row.event_id and event.item_id == item.id
    assert event.kind == "item_status_changed"
    assert event.payload == {
        "item": "9.2.1",
        "text": "res-2616",
        "from": "not_assessed",
        "to": "in_progress",
        "note": "Draft law tabled",
        "evidence_url": "https://example.org/law",
        "happened_on": None,
    }
    assert event.summary == "§9.2.1: Not assessed → In progress"


@pytest.mark.postgres
def test_datetimes_come_back_aware_in_utc(session):
    change(session, now=datetime(2026, 3, 1, 14, 0, tzinfo=UTC) + timedelta(hours=0))
    session.commit()
    session.expire_all()
    stored = session.exec(select(StatusChange)).one()
    assert stored.changed_at.tzinfo is not None
    assert stored.changed_at == datetime(2026, 3, 1, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"note": "   "}, "note explaining the change is required"),
        ({"note": "x" * 5001}, "longer than 5000"),
        ({"to": "finished"}, "Unknown status"),
        ({"to": "not_assessed"}, "already “Not assessed”"),
        ({"url": "javascript:alert(1)"}, "full http:// or https:// URL"),
        ({"url": "ftp://example.org/x"}, "full http:// or https:// URL"),
        ({"url": "https://exa mple.org"}, "contains spaces"),
        ({"now": datetime(2026, 3, 1, 12, 0)}, "timezone-aware"),
    ],
)
def test_invalid_changes_are_refused_and_write_nothing(session, kwargs, message):
    with pytest.raises(StatusChangeError, match=message):
        change(session, **kwargs)
    session.rollback()
    assert session.exec(select(Event)).all() == []
    assert get_item(session, "9.2.1").status == "not_assessed"


@pytest.mark.postgres
def test_a_stale_version_is_a_conflict_that_shows_what_changed(session):
    change(session, to="in_progress", note="first")
    session.commit()
    with pytest.raises(StaleItemError) as raised:
        change(session, to="implemented", note="second", version=0)
    assert [c.note for c in raised.value.changes] == ["first"]
    assert raised.value.item.status == "in_progress"
    session.rollback()
    assert len(status_history(session, get_item(session, "9.2.1").id)) == 1


@pytest.mark.postgres
def test_history_and_events_are_append_only(session, engine):
    change(session)
    session.commit()
    for statement in (
        "UPDATE statuschange SET note = 'rewritten'",
        "DELETE FROM statuschange",
        "UPDATE event SET summary = 'rewritten'",
        "DELETE FROM event",
    ):
        with engine.connect() as connection, pytest.raises(DatabaseError, match="append-only"):
            connection.execute(text(statement))


@pytest.mark.postgres
def test_two_concurrent_submits_from_one_version_record_exactly_one(engine):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(note: str) -> None:
        with Session(engine, expire_on_commit=False) as db:
            item = get_item(db, "10.1")
            version = item.version
            barrier.wait()
            try:
                begin_write(db)
                db.refresh(item)
                record_status_change(
                    db,
                    item,
                    new_status="no_progress",
                    note=note,
                    evidence_url=None,
                    actor=MONITOR,
                    expected_version=version,
                    now=NOW,
                )
                db.commit()
                outcomes.append("recorded")
            except StaleItemError:
                db.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=submit, args=(n,)) for n in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "recorded"]
    with unit_of_work(engine) as db:
        item = get_item(db, "10.1")
        assert item.version == 1
        assert len(status_history(db, item.id)) == 1
        assert len(db.exec(select(Event)).all()) == 1


@pytest.mark.postgres
def test_events_after_reads_the_log_in_order(session):
    for status in ("in_progress", "partially_implemented", "implemented"):
        change(session, to=status, note=f"now {status}")
    session.commit()
    events = events_after(session, 0, limit=10)
    assert [e.payload["to"] for e in events] == [
        "in_progress",
        "partially_implemented",
        "implemented",
    ]
    assert [e.payload["to"] for e in events_after(session, events[0].id, limit=1)] == [
        "partially_implemented"
    ]
