"""Polling over time: backwards moves, thresholds, stored responses, retention and 304s."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.fake_treaty_office import SIGNATURES_PATH, standard_chart
from tests.test_poll_treaties import (  # noqa: F401  (fixtures and marks, found by name)
    fake,
    poll,
    pytest_plugins,
)
from tests.treaty_helpers import (
    NOW,
    events,
    kaz,
    make_ctx,
    serve_seeded_states,
    treaty,
)
from tracker.models import ItemReview, RawResponse, SourceStatus, Treaty, TreatyStateChange
from tracker.sources.evidence import prune_responses


def test_token_rotation_is_followed(app, engine, fake):
    fake.token = "rotated-token"
    fake.set_page_shell()
    counts = poll(app, fake, coe_token="the-old-token")
    assert counts["failed"] == 0 and counts["treaties"] == 10


@pytest.mark.postgres
def test_backwards_change_needs_two_consecutive_polls(app, engine, fake):
    poll(app, fake)
    fake.set_chart(18, standard_chart(18, kaz(18)))
    assert poll(app, fake, now=NOW + timedelta(hours=6))["pending"] == 1
    assert treaty(engine, "ets-018").state == "in_force"
    before = len(events(engine))
    assert poll(app, fake, now=NOW + timedelta(hours=12))["changed"] == 1
    ets018 = treaty(engine, "ets-018")
    assert ets018.state == "not_signed" and ets018.pending_state is None
    changed = events(engine)[before]
    assert changed.kind == "treaty_state_changed" and changed.treaty_id == ets018.id
    assert changed.payload["backwards"] is True and "needs review" in changed.summary
    with Session(engine) as session:
        [review] = session.exec(select(ItemReview)).all()
        assert review.suggested_status == "regressed"


def test_a_backwards_glitch_that_goes_away_records_nothing(app, engine, fake):
    poll(app, fake)
    before = len(events(engine))
    fake.set_chart(18, standard_chart(18, kaz(18)))
    poll(app, fake, now=NOW + timedelta(hours=6))
    serve_seeded_states(fake)
    poll(app, fake, now=NOW + timedelta(hours=12))
    assert treaty(engine, "ets-018").pending_state is None
    assert len(events(engine)) == before


def test_failure_threshold_and_recovery_events_once_each(app, engine, fake):
    for hour in range(4):
        fake.respond_next(SIGNATURES_PATH, "{not json")
        poll(app, fake, now=NOW + timedelta(hours=hour), source_failure_threshold=2)
    assert len(events(engine, "source_failing")) == 1
    for hour in range(4, 6):
        poll(app, fake, now=NOW + timedelta(hours=hour), source_failure_threshold=2)
    assert len(events(engine, "source_failing")) == 1
    [recovered] = events(engine, "source_recovered")
    assert "4 failed checks" in recovered.summary


def test_identical_responses_are_stored_once_and_poll_is_idempotent(app, engine, fake):
    assert poll(app, fake)["stored"] == 10
    events_after_first = len(events(engine))
    second = poll(app, fake, now=NOW + timedelta(hours=6))
    assert second["stored"] == 0 and second["changed"] == 0
    assert len(events(engine)) == events_after_first
    with Session(engine) as session:
        assert len(session.exec(select(RawResponse)).all()) == 10


@pytest.mark.postgres
def test_an_unchanged_poll_records_every_read_and_ends_a_run_of_failures(app, engine, fake):
    poll(app, fake)
    fake.respond_next(SIGNATURES_PATH, "{not json")
    assert poll(app, fake, now=NOW + timedelta(hours=1))["failed"] == 1
    [failed] = [t for t in polled(engine) if t.consecutive_failures]
    later = NOW + timedelta(hours=6)
    assert poll(app, fake, now=later) == poll_counts(unchanged=10)
    for read in polled(engine):
        assert (read.last_checked_at, read.last_success_at) == (later, later), read.slug
        assert read.consecutive_failures == 0 and read.pending_state is None
    again = treaty(engine, failed.slug)
    assert again.last_error == failed.last_error and again.last_error_at == NOW + timedelta(hours=1)


def polled(engine) -> list[Treaty]:
    """Return the polled treaties as stored now."""
    with Session(engine) as session:
        return list(session.exec(select(Treaty).where(Treaty.polled)))


def poll_counts(**outcomes: int) -> dict[str, int]:
    """Return the counts of a poll of the ten seeded treaties that failed nowhere."""
    counts = dict.fromkeys(("changed", "confirmed", "stored", "failed", "skipped_rows"), 0)
    return counts | {"treaties": 10, "pruned": 0} | outcomes


def test_retention_keeps_referenced_and_latest_responses(app, engine, fake):
    poll(app, fake)
    with Session(engine) as session:
        referenced = {
            c.raw_response_id for c in session.exec(select(TreatyStateChange)) if c.raw_response_id
        }
        old = [
            RawResponse(
                source="treaty_office",
                url="http://example.org/chart",
                fetched_at=NOW - timedelta(days=400 - n),
                status_code=200,
                sha256=str(n),
                body=b"[]",
            )
            for n in range(3)
        ]
        session.add_all(old)
        session.commit()
        pruned = prune_responses(session, now=NOW + timedelta(days=1000), retention_days=30)
        session.commit()
        assert pruned == 2
        left = {r.id for r in session.exec(select(RawResponse))}
        assert referenced <= left and old[2].id in left


@pytest.mark.postgres
def test_retention_keeps_what_is_younger_than_it(app, engine, fake):
    poll(app, fake)
    with Session(engine) as session:
        ages = (29, 31)  # days before the prune, with 30 days of retention
        session.add_all(
            RawResponse(
                source="treaty_office",
                url=f"http://example.org/chart/{n}",
                fetched_at=NOW - timedelta(days=age),
                status_code=200,
                sha256=str(n),
                body=b"[]",
            )
            for n, age in enumerate(ages)
            for _ in range(2)  # the latest of a URL is always kept: the older one is at stake
        )
        session.commit()
        assert prune_responses(session, now=NOW, retention_days=30) == 1
        session.commit()
        left = session.exec(select(RawResponse).where(RawResponse.url.startswith("http://example")))
        assert sorted(r.url for r in left) == [
            "http://example.org/chart/0",
            "http://example.org/chart/0",
            "http://example.org/chart/1",
        ]


@pytest.mark.postgres
def test_conditional_requests_persist_between_polls_and_a_304_counts_as_a_poll(app, engine, fake):
    fake.send_etag = True
    assert poll(app, fake)["failed"] == 0
    second = poll(app, fake, now=NOW + timedelta(hours=6))
    assert second["failed"] == 0 and second["stored"] == 0
    last = fake.last_request(SIGNATURES_PATH)
    assert "if-none-match" in last.headers  # the validators came from the database
    # A backwards change: the first poll sees it, the second gets 304 for the same content.
    fake.set_chart(18, standard_chart(18, kaz(18)))
    assert poll(app, fake, now=NOW + timedelta(hours=12))["pending"] == 1
    assert treaty(engine, "ets-018").state == "in_force"
    third = poll(app, fake, now=NOW + timedelta(hours=18))
    assert third["changed"] == 1
    assert treaty(engine, "ets-018").state == "not_signed"


def test_a_failed_poll_is_a_failed_job_run_with_the_error(app, engine, fake):
    from jobs.runner import run_job

    fake.fail_next(SIGNATURES_PATH, 100, 404)  # not retried, so the test does not wait
    ctx = make_ctx(app, fake)
    run = run_job("poll-treaties", engine=engine, settings=ctx.settings)
    assert run.outcome == "failed"
    lines = run.error.splitlines()
    assert len(lines) == 10 and all("404" in line for line in lines)
    assert lines[0].startswith("ETS 018 European Cultural Convention: SourceHttpError: ")
    with Session(engine) as session:
        assert session.get(SourceStatus, "treaty_office").consecutive_failures == 1
