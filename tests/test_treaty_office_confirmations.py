"""More Treaty Office faults: failed runs, validators, repeated failures and confirmations."""

import dataclasses
from datetime import date

import pytest
from sqlmodel import Session, select

from jobs import poll_treaties
from jobs.runner import run_job
from tests.fake_treaty_office import SIGNATURES_PATH, standard_chart
from tests.test_treaty_office_faults import (  # noqa: F401  (fixtures and marks, found by name)
    ACCESSION_185,
    HOUR,
    changes,
    denounced_18,
    fake,
    poll,
    pytest_plugins,
)
from tests.treaty_helpers import (
    NOW,
    SEEDED_ROWS,
    events,
    kaz,
    make_ctx,
    no_sleep,
    treaty,
)
from tracker.models import ItemReview, JobRun, SourceStatus, Treaty
from tracker.sources.treaty_office import UnexpectedNotModifiedError
from tracker.treaties.observations import interpret


def test_a_304_whose_body_is_not_stored_is_a_failed_check(app, engine, fake):
    fake.send_etag = True
    poll(app, fake)
    ctx = make_ctx(app, fake, now=NOW + HOUR)
    with poll_treaties.build_client(ctx, sleep=no_sleep) as client:
        observation = client.observe(185, today=ctx.now.date())
        url = observation.fetch.url
        client.validators = {url: {"etag": client.validators[url]["etag"], "sha256": "0" * 64}}
        not_modified = client.observe(185, today=ctx.now.date())
    assert not_modified.not_modified
    with Session(engine) as session:
        ets185 = session.get(Treaty, treaty(engine, "ets-185").id)
        with pytest.raises(UnexpectedNotModifiedError, match="not stored"):
            interpret(session, ets185, not_modified, settings=ctx.settings, now=ctx.now)


def test_a_304_after_a_304_is_not_asked_for(app, engine, fake):
    fake.send_etag = True
    poll(app, fake)
    poll(app, fake, at=1)  # 304s
    seen = len(fake.requests)
    poll(app, fake, at=2)
    conditional = [r for r in fake.requests[seen:] if "if-none-match" in r.headers]
    assert conditional == []  # after a 304, a full answer is asked for


@pytest.mark.parametrize(
    ("overrides", "interval", "message"),
    [
        pytest.param(
            {"http_max_bytes": 100_000}, 0.0, "more than the limit of 100000 bytes", id="cap"
        ),
        pytest.param({"http_deadline_seconds": 1}, 0.01, "deadline", id="deadline"),
    ],
)
def test_an_endless_body_is_cut_and_fails_only_its_check(
    app, engine, fake, overrides, interval, message
):
    poll(app, fake)
    fake.stream_endless_for(185, interval=interval)
    fake.set_chart(210, standard_chart(210, kaz(210, signed=date(2026, 1, 12))))
    counts = poll(app, fake, at=1, **overrides)
    assert (counts["failed"], counts["changed"]) == (1, 1)
    assert message in treaty(engine, "ets-185").last_error


def test_jobs_run_prints_a_line_per_failed_instrument_and_exits_non_zero(app, engine, fake):
    fake.fail_treaty(30, 404)
    fake.fail_treaty(173, 400)
    fake.set_chart(185, standard_chart(185, kaz(185, **ACCESSION_185)))
    settings = make_ctx(app, fake).settings
    app.extensions["tracker_settings"] = settings
    result = app.test_cli_runner().invoke(args=["jobs", "run", "poll-treaties"])
    assert result.exit_code == 1
    assert result.stdout.startswith("poll-treaties: partial")
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ETS 030 Mutual Assistance in Criminal Matters",
        "ETS 173 Criminal Law Convention on Corruption",
    ]
    assert "404" in lines[0] and "400" in lines[1]
    assert treaty(engine, "ets-185").state == "acceded"
    with Session(engine) as session:
        [run] = session.exec(select(JobRun)).all()
        assert run.outcome == "partial" and run.counts["failed"] == 2
        assert run.error.splitlines() == lines


def test_a_run_where_everything_failed_is_failed(app, engine, fake):
    for number in (18, 30, 127, 141, 165, 173, 185, 198, 208, 210):
        fake.fail_treaty(number, 404)
    settings = dataclasses.replace(make_ctx(app, fake).settings)
    run = run_job("poll-treaties", engine=engine, settings=settings)
    assert run.outcome == "failed" and len(run.error.splitlines()) == 10


def test_validators_change_only_for_instruments_that_succeeded(app, engine, fake):
    fake.send_etag = True
    poll(app, fake)

    def stored() -> dict:
        with Session(engine) as session:
            return dict(session.get(SourceStatus, "treaty_office").validators)

    before = stored()
    bad = standard_chart(185, kaz(185, **ACCESSION_185))
    bad[1][0]["DateConsentement"] = "soon"
    fake.set_chart(185, bad)  # a new body and ETag, unreadable
    fake.set_chart(210, standard_chart(210, kaz(210, signed=date(2026, 1, 12))))
    assert poll(app, fake, at=1)["failed"] == 1
    after = stored()
    url185 = next(url for url in before if "numSTE=185" in url)
    url210 = next(url for url in before if "numSTE=210" in url)
    assert after[url185] == before[url185]
    assert after[url210] != before[url210]


def test_a_second_instrument_that_keeps_failing_is_announced_too(app, engine, fake):
    poll(app, fake)
    fake.fail_treaty(30, 404)
    for hour in (1, 2, 3):
        poll(app, fake, at=hour)
    fake.fail_treaty(173, 404)
    for hour in (4, 5, 6):
        poll(app, fake, at=hour)
    first, second = events(engine, "source_failing")
    assert "ETS 030" in first.summary and "ETS 173" not in first.summary
    assert "ETS 173" in second.summary and "(3 checks in a row)" in second.summary
    poll(app, fake, at=7)
    assert len(events(engine, "source_failing")) == 2  # announced once each


def test_only_a_full_answer_confirms_a_pending_change(app, engine, fake):
    fake.send_etag = True
    poll(app, fake)
    fake.respond_next_for(18, denounced_18(), headers={"ETag": '"glitch"'})
    assert poll(app, fake, at=1)["pending"] == 1
    # A cache that keeps answering 304 for the glitch must not confirm it.
    fake.respond_next_for(18, b"", status=304, headers={"ETag": '"glitch"'})
    counts = poll(app, fake, at=2)
    assert counts["failed"] == 1 and "no validator" in treaty(engine, "ets-018").last_error
    assert treaty(engine, "ets-018").state == "in_force"
    poll(app, fake, at=3)
    assert treaty(engine, "ets-018").pending_state is None
    assert changes(engine) == []


@pytest.mark.parametrize(
    "dates",
    [
        pytest.param({"signed": date(2027, 6, 1)}, id="signature-next-year"),
        pytest.param({"consent": date(1900, 1, 1)}, id="before-the-council-existed"),
    ],
)
def test_an_implausible_date_in_kazakhstans_row_is_a_failed_check(app, engine, fake, dates):
    poll(app, fake)
    fake.set_chart(185, standard_chart(185, kaz(185, **dates)))
    assert poll(app, fake, at=1)["failed"] == 1
    assert treaty(engine, "ets-185").state == "not_signed"


def test_a_pending_change_is_confirmed_only_by_the_same_state_and_dates(app, engine, fake):
    poll(app, fake)
    fake.respond_next_for(18, denounced_18())
    poll(app, fake, at=1)
    other_date = standard_chart(18, kaz(18, **SEEDED_ROWS[18], denounced=date(2026, 1, 13)))
    fake.respond_next_for(18, other_date)
    assert poll(app, fake, at=2)["pending"] == 1
    ets018 = treaty(engine, "ets-018")
    assert (ets018.state, ets018.pending_dates["denounced_on"]) == ("in_force", "2026-01-13")


def test_a_confirmed_date_correction_is_recorded_and_flagged_for_review(app, engine, fake):
    poll(app, fake)
    moved = SEEDED_ROWS[18] | {"in_force": date(2010, 6, 1)}
    fake.set_chart(18, standard_chart(18, kaz(18, **moved)))
    assert poll(app, fake, at=1)["pending"] == 1
    assert poll(app, fake, at=2)["changed"] == 1
    assert treaty(engine, "ets-018").in_force_on == date(2010, 6, 1)
    with Session(engine) as session:
        [review] = session.exec(select(ItemReview)).all()
        assert review.suggested_status == "implemented"  # same state: no step back suggested


def test_a_long_retry_after_is_waited_at_most_one_deadline(app, engine, fake):
    poll(app, fake)
    fake.fail_next(SIGNATURES_PATH, 1, 429, headers={"Retry-After": "3600"})
    sleeps: list[float] = []
    ctx = make_ctx(app, fake, now=NOW + HOUR, http_deadline_seconds=5)
    assert poll_treaties.run(ctx, sleep=sleeps.append)["failed"] == 0
    assert len(sleeps) == 1 and 5 <= sleeps[0] <= 5.5
