"""The treaty poll job against a fake Treaty Office on 127.0.0.1 and real databases."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from jobs import poll_treaties
from tests.fake_treaty_office import CHALLENGE_HTML, SIGNATURES_PATH, standard_chart
from tests.treaty_helpers import (
    NOW,
    SEEDED_ROWS,
    events,
    kaz,
    make_ctx,
    no_sleep,
    serve_seeded_states,
    treaty,
)
from tracker.models import ItemReview, SourceStatus
from tracker.sources.treaty_office import HttpPolicy, TreatyOfficeClient
from tracker.treaties.queries import treaty_history

pytest_plugins = ["tests.conftest_treaty_office"]


@pytest.fixture
def fake(fake_treaty_office):
    serve_seeded_states(fake_treaty_office)
    return fake_treaty_office


def poll(app, fake, *, now=NOW, **overrides):
    return poll_treaties.run(make_ctx(app, fake, now=now, **overrides), sleep=no_sleep)


def test_first_poll_supersedes_seeded_facts_and_history_keeps_both(app, engine, fake):
    counts = poll(app, fake)
    assert counts["treaties"] == 10 and counts["failed"] == 0 and counts["stored"] == 10
    ets018 = treaty(engine, "ets-018")
    assert (ets018.state, ets018.state_origin) == ("in_force", "poll")
    assert ets018.consent_on == date(2010, 3, 5)
    with Session(engine) as session:
        history = treaty_history(session, ets018.id)
        assert [row.origin for row in history] == ["poll", "seed"]
        assert history[0].raw_response_id is not None
        # Filling dates the seeds lacked is a change; no state moved, so no review.
        assert session.exec(select(ItemReview)).all() == []
    assert treaty(engine, "greco").state_origin == "seed"  # partial agreements are not polled


TRANSITIONS = [
    ("signature", {"signed": date(2026, 1, 10)}, "signed", "in_progress", 1),
    (
        "ratification",
        {"signed": date(2026, 1, 2), "consent": date(2026, 1, 10)},
        "ratified",
        "implemented",
        1,
    ),
    ("accession", {"consent": date(2026, 1, 10)}, "acceded", "implemented", 1),
    (
        "entry into force",
        {"consent": date(2025, 10, 1), "in_force": date(2026, 1, 1)},
        "in_force",
        "implemented",
        1,
    ),
    # Destructive moves are recorded when the next poll agrees.
    (
        "denunciation",
        {"consent": date(2025, 10, 1), "denounced": date(2026, 1, 10)},
        "denounced",
        "regressed",
        2,
    ),
    (
        "suspension",
        {"consent": date(2025, 10, 1), "suspended": date(2026, 1, 10)},
        "suspended",
        "regressed",
        2,
    ),
]


@pytest.mark.parametrize(("act", "dates", "state", "suggestion", "polls"), TRANSITIONS)
def test_each_transition_sets_state_event_timeline_and_review(
    app, engine, fake, act, dates, state, suggestion, polls
):
    poll(app, fake)
    fake.set_chart(210, standard_chart(210, kaz(210, **dates)))
    for hours in range(1, polls):
        assert poll(app, fake, now=NOW + timedelta(hours=hours))["pending"] == 1, act
        assert treaty(engine, "cets-210").state == "not_signed"
    counts = poll(app, fake, now=NOW + timedelta(hours=6))
    assert counts["changed"] == 1, act
    cets210 = treaty(engine, "cets-210")
    assert cets210.state == state
    changed = events(engine, "treaty_state_changed")[-1]
    assert changed.treaty_id == cets210.id
    assert changed.payload["from"] == "not_signed" and changed.payload["to"] == state
    assert "CETS 210 Istanbul Convention" in changed.summary
    assert "2026-01-10" in changed.summary or "2026-01-01" in changed.summary
    on_items = {e.payload["item"]: e for e in events(engine, "item_treaty_changed")}
    assert set(on_items) == {"6", "9.2", "9.2.1"}
    assert (
        on_items["9.2.1"]
        .payload["evidence_url"]
        .endswith(f"/evidence/{changed.payload['evidence_id']}")
    )
    with Session(engine) as session:
        reviews = session.exec(select(ItemReview)).all()
        assert {r.suggested_status for r in reviews} == {suggestion}
        assert len(reviews) == 3
        from tracker.models import Item

        assert {session.get(Item, r.item_id).status for r in reviews} == {"not_assessed"}


def _refuse_token(fake):
    fake.token = "a-new-token-nobody-knows"
    fake.set_page_shell(token="still-the-old-one")


FAILURES = [
    ("non-2xx", lambda f: f.fail_next(SIGNATURES_PATH, 4, 500), "500"),
    ("invalid JSON", lambda f: f.respond_next(SIGNATURES_PATH, "{not json"), "not valid JSON"),
    ("unexpected shape", lambda f: f.respond_next(SIGNATURES_PATH, '{"a": 1}'), "not a list"),
    (
        "challenge page",
        lambda f: f.respond_next(SIGNATURES_PATH, CHALLENGE_HTML, status=403),
        "challenge",
    ),
    ("refused token", _refuse_token, "refused the token"),
]


def _state_snapshot(engine):
    with Session(engine) as session:
        from tracker.models import Treaty

        return sorted(
            (t.slug, t.state, t.signed_on, t.consent_on) for t in session.exec(select(Treaty))
        )


@pytest.mark.parametrize(("case", "break_source", "message"), FAILURES)
@pytest.mark.postgres
def test_a_failed_check_changes_nothing_of_its_instrument_and_the_others_apply(
    app, engine, fake, case, break_source, message
):
    poll(app, fake)
    # ETS 018 is polled first and is the one the broken answers hit; both charts move forward.
    fake.set_chart(18, standard_chart(18, kaz(18, signed=date(2009, 1, 1), **SEEDED_ROWS[18])))
    fake.set_chart(210, standard_chart(210, kaz(210, signed=date(2026, 1, 10))))
    break_source(fake)
    counts = poll(app, fake, now=NOW + timedelta(hours=6))
    every = case == "refused token"
    assert counts["failed"] == (10 if every else 1), case
    ets018 = treaty(engine, "ets-018")
    assert ets018.signed_on is None and ets018.consecutive_failures == 1
    assert message in ets018.last_error and ets018.last_success_at == NOW
    assert treaty(engine, "cets-210").state == ("not_signed" if every else "signed")
    assert len(events(engine, "treaty_state_changed")) == (0 if every else 1) + 5
    with Session(engine) as session:
        status = session.get(SourceStatus, "treaty_office")
        assert status.consecutive_failures == 1
        assert message in status.last_error and "ETS 018" in status.last_error
        assert status.last_success_at == NOW and status.last_checked_at > NOW


def test_timeout_and_tls_failure_change_nothing(app, engine, fake):
    poll(app, fake)
    before = _state_snapshot(engine)
    ctx = make_ctx(app, fake, now=NOW + timedelta(hours=1))
    fake.delay_next(SIGNATURES_PATH, 1.5)
    quick = TreatyOfficeClient(
        fake.page_url,
        fake.api_url,
        fake.token,
        user_agent="test",
        timeout_seconds=0.3,
        policy=HttpPolicy(max_attempts=1),
        sleep=no_sleep,
    )
    with quick:
        assert poll_treaties.run(ctx, client=quick)["failed"] == 1
    tls = TreatyOfficeClient(
        fake.page_url,
        fake.api_url.replace("http://", "https://"),
        fake.token,
        user_agent="test",
        read_page_on_start=False,
        sleep=no_sleep,
    )
    with tls:
        assert poll_treaties.run(ctx, client=tls)["failed"] == 10
    assert _state_snapshot(engine) == before
    with Session(engine) as session:
        status = session.get(SourceStatus, "treaty_office")
        assert status.consecutive_failures == 2 and "TLS" in status.last_error
