"""A misbehaving Treaty Office: one bad answer never blocks another instrument or fakes a change."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from jobs import poll_treaties
from tests.fake_treaty_office import chart_row, standard_chart
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
from tracker.models import SourceStatus, TreatyStateChange

pytest_plugins = ["tests.conftest_treaty_office"]

HOUR = timedelta(hours=1)
ACCESSION_185 = {"consent": date(2026, 1, 12)}


@pytest.fixture
def fake(fake_treaty_office):
    serve_seeded_states(fake_treaty_office)
    return fake_treaty_office


def poll(app, fake, *, at=0, **overrides):
    ctx = make_ctx(app, fake, now=NOW + at * HOUR, **overrides)
    return poll_treaties.run(ctx, sleep=no_sleep)


def denounced_18() -> list:
    return standard_chart(18, kaz(18, **SEEDED_ROWS[18], denounced=date(2026, 1, 14)))


def changes(engine) -> list[TreatyStateChange]:
    with Session(engine) as session:
        query = select(TreatyStateChange).where(TreatyStateChange.origin == "poll")
        return [c for c in session.exec(query) if c.from_state != c.to_state]


def test_a_persistent_500_on_one_instrument_does_not_hide_another_ones_change(
    app, engine, client, fake
):
    poll(app, fake)
    fake.fail_treaty(30, 500)
    fake.set_chart(185, standard_chart(185, kaz(185, **ACCESSION_185)))
    counts = poll(app, fake, at=1)
    assert (counts["failed"], counts["changed"]) == (1, 1)
    assert treaty(engine, "ets-185").state == "acceded"
    ets030 = treaty(engine, "ets-030")
    assert ets030.consecutive_failures == 1 and "500" in ets030.last_error
    assert ets030.last_success_at == NOW and ets030.last_checked_at == NOW + HOUR
    for hour in (2, 3):
        poll(app, fake, at=hour)
    [failing] = events(engine, "source_failing")
    assert "ETS 030" in failing.summary and "3 checks in a row" in failing.summary
    assert failing.payload["keeps_failing"] == [
        "ETS 030 Mutual Assistance in Criminal Matters"
    ]
    html = client.get("/sources").get_data(as_text=True)
    row = html.split('id="instrument-ets-030"')[1].split("</tr>")[0]
    assert "(failing)" in row and "<td>3</td>" in row and "500" in row
    other = html.split('id="instrument-ets-185"')[1].split("</tr>")[0]
    assert "(failing)" not in other and "<td>0</td>" in other
    assert "Acceded" in client.get("/treaties").get_data(as_text=True)
    fake.heal_treaty(30)
    assert poll(app, fake, at=4)["failed"] == 0
    [recovered] = events(engine, "source_recovered")
    assert "3 failed checks" in recovered.summary
    assert treaty(engine, "ets-030").consecutive_failures == 0


def test_a_one_poll_denounced_glitch_records_nothing(app, engine, client, fake):
    poll(app, fake)
    before = len(events(engine))
    fake.respond_next_for(18, denounced_18())
    assert poll(app, fake, at=1)["pending"] == 1
    assert treaty(engine, "ets-018").state == "in_force"
    assert "Waiting for confirmation" in client.get("/sources").get_data(as_text=True)
    assert poll(app, fake, at=2)["failed"] == 0
    ets018 = treaty(engine, "ets-018")
    assert (ets018.state, ets018.pending_state) == ("in_force", None)
    assert len(events(engine)) == before and changes(engine) == []
    assert "Denounced" not in client.get("/treaties/ets-018").get_data(as_text=True)
    assert client.get("/api/v1/events").get_json()["events"][-1]["id"] == before


def test_a_glitch_then_a_poll_with_an_unrelated_failure_clears_the_pending_change(
    app, engine, fake
):
    poll(app, fake)
    fake.respond_next_for(18, denounced_18())
    poll(app, fake, at=1)
    assert treaty(engine, "ets-018").pending_state == "denounced"
    fake.fail_treaty(30, 500)
    counts = poll(app, fake, at=2)
    assert counts["failed"] == 1
    assert treaty(engine, "ets-018").pending_state is None  # the good answer counted
    fake.heal_treaty(30)
    fake.respond_next_for(18, denounced_18())  # the next glitch must not "confirm" the first
    assert poll(app, fake, at=3)["pending"] == 1
    assert treaty(engine, "ets-018").state == "in_force"
    assert changes(engine) == []


def test_a_real_denunciation_is_recorded_on_the_next_good_poll_even_after_a_failure(
    app, engine, fake
):
    poll(app, fake)
    fake.set_chart(18, denounced_18())
    assert poll(app, fake, at=1)["pending"] == 1
    fake.fail_treaty(18, 503)
    assert poll(app, fake, at=2)["failed"] == 1
    assert treaty(engine, "ets-018").pending_state == "denounced"  # a failure decides nothing
    fake.heal_treaty(18)
    assert poll(app, fake, at=3)["changed"] == 1
    ets018 = treaty(engine, "ets-018")
    assert (ets018.state, ets018.denounced_on) == ("denounced", date(2026, 1, 14))
    [change] = changes(engine)
    assert change.backwards and change.to_state == "denounced"


def test_a_bad_date_in_another_countrys_row_is_skipped(app, engine, fake):
    poll(app, fake)
    buckets = standard_chart(185, kaz(185, **ACCESSION_185))
    buckets[0][0]["DateSignature"] = "31/02/2001"
    buckets[0].append({"LibPaysOrga": "Nowhere"})
    fake.set_chart(185, buckets)
    counts = poll(app, fake, at=1)
    assert (counts["failed"], counts["changed"], counts["skipped_rows"]) == (0, 1, 2)
    assert treaty(engine, "ets-185").state == "acceded"


def test_a_bad_date_in_kazakhstans_row_fails_that_check(app, engine, fake):
    poll(app, fake)
    buckets = standard_chart(185, kaz(185, **ACCESSION_185))
    buckets[1][0]["DateConsentement"] = "2026-01-12"
    fake.set_chart(185, buckets)
    counts = poll(app, fake, at=1)
    assert counts["failed"] == 1
    assert treaty(engine, "ets-185").state == "not_signed"
    assert "DateConsentement" in treaty(engine, "ets-185").last_error


@pytest.mark.parametrize(
    ("chart", "failed"),
    [
        pytest.param(lambda n: standard_chart(n), 0, id="complete-chart-without-the-row"),
        pytest.param(
            lambda n: [standard_chart(n)[0] + standard_chart(n)[2], []], 1, id="a-bucket-missing"
        ),
        pytest.param(lambda n: [[], [], standard_chart(n)[2][0:1]], 1, id="no-members"),
        pytest.param(lambda n: [standard_chart(n)[0][:1], [], []], 1, id="too-few-rows"),
        pytest.param(
            lambda n: [[*standard_chart(n)[0], {"LibPaysOrga": "Kazakhstan"}], [], []],
            1,
            id="a-row-that-may-be-kazakhstans",
        ),
    ],
)
def test_a_chart_without_kazakhstan_reads_not_signed_only_when_complete(
    app, engine, fake, chart, failed
):
    fake.set_chart(185, chart(185))
    counts = poll(app, fake)
    assert counts["failed"] == failed
    assert treaty(engine, "ets-185").state == "not_signed"
    assert (treaty(engine, "ets-185").last_success_at is None) == bool(failed)


def test_a_chart_that_lost_rows_and_kazakhstans_row_is_a_failed_check(app, engine, fake):
    members = [*standard_chart(18)[0], chart_row("AND", "Andorra", 18)]
    fake.set_chart(18, [members, [kaz(18, **SEEDED_ROWS[18])], standard_chart(18)[2]])
    poll(app, fake)
    fake.set_chart(18, standard_chart(18))  # Andorra's row went with Kazakhstan's
    assert poll(app, fake, at=1)["failed"] == 1
    assert treaty(engine, "ets-018").pending_state is None


def test_an_unsolicited_304_is_a_failed_check(app, engine, fake):
    poll(app, fake)
    fake.set_chart(185, standard_chart(185, kaz(185, **ACCESSION_185)))
    fake.respond_next_for(185, b"", status=304)
    counts = poll(app, fake, at=1)
    assert counts["failed"] == 1
    assert "no validator" in treaty(engine, "ets-185").last_error
    assert poll(app, fake, at=2)["changed"] == 1  # the next good answer is not lost


def test_validators_whose_body_is_gone_are_not_sent(app, engine, fake):
    fake.send_etag = True
    poll(app, fake)
    with Session(engine) as session:
        status = session.get(SourceStatus, "treaty_office")
        url = next(url for url in status.validators if "numSTE=185" in url)
        # The stored validators now stand for a body that was never kept.
        gone = status.validators[url] | {"sha256": "0" * 64}
        status.validators = status.validators | {url: gone}
        session.add(status)
        session.commit()
    seen = len(fake.requests)
    assert poll(app, fake, at=1)["failed"] == 0
    [request] = [r for r in fake.requests[seen:] if r.query.get("numSTE") == "185"]
    assert "if-none-match" not in request.headers
