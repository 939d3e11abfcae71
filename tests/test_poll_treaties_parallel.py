"""The poll's requests in parallel: each instrument keeps its own outcome, in watch-list order."""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from jobs import poll_treaties
from tests.fake_treaty_office import PAGE_PATH, SIGNATURES_PATH, standard_chart
from tests.treaty_helpers import NOW, POLLED, kaz, make_ctx, no_sleep, serve_seeded_states, treaty
from tracker.sources.treaty_office import SourceFormatError, TreatyOfficeClient, read_chart_by_hash
from tracker.treaties.polling import WatchedTreaty, fetch_observations

pytest_plugins = ["tests.conftest_treaty_office"]


@pytest.fixture
def fake(fake_treaty_office):
    serve_seeded_states(fake_treaty_office)
    return fake_treaty_office


def test_failed_instruments_keep_their_own_outcome_and_the_watch_list_order(app, engine, fake):
    poll_treaties.run(make_ctx(app, fake), sleep=no_sleep)
    fake.set_chart(210, standard_chart(210, kaz(210, signed=date(2026, 1, 10))))
    for number in (208, 30):  # 404 is not retried; listed here out of watch-list order
        fake.fail_treaty(number, 404)
    later = NOW + timedelta(hours=6)
    result = poll_treaties.poll(make_ctx(app, fake, now=later), sleep=no_sleep)
    assert result.counts["failed"] == 2 and result.counts["changed"] == 1
    assert [line.split(" ")[:2] for line in result.failures] == [["ETS", "030"], ["CETS", "208"]]
    assert treaty(engine, "cets-210").signed_on == date(2026, 1, 10)
    assert treaty(engine, "cets-208").consecutive_failures == 1
    assert treaty(engine, "cets-208").last_success_at == NOW
    assert fake.count(SIGNATURES_PATH) == 2 * len(POLLED)


def test_a_source_that_keeps_the_poll_waiting_is_asked_in_parallel(app, engine, fake):
    for _ in POLLED:
        fake.delay_next(SIGNATURES_PATH, 0.1)
    result = poll_treaties.poll(make_ctx(app, fake), sleep=no_sleep)
    assert result.counts["failed"] == 0 and result.counts["treaties"] == len(POLLED)
    assert fake.max_in_flight == 4  # PARALLEL_REQUESTS
    assert treaty(engine, "cets-210").last_success_at == NOW


def test_a_near_source_is_asked_one_request_at_a_time(fake, caplog):
    watched = [WatchedTreaty(id=n, number=n, label=f"CETS {n}") for n in POLLED]
    client = TreatyOfficeClient(fake.page_url, fake.api_url, fake.token, user_agent="test")
    # Whatever the machine's load adds to the wait, a minute counts as near.
    with client, caplog.at_level(logging.DEBUG, logger="tracker.treaties.polling"):
        results = fetch_observations(client, watched, today=NOW.date(), near_source_seconds=60)
    assert [r.treaty.number for r in results if r.observation] == list(POLLED)
    assert fake.max_in_flight == 1
    assert "one request at a time" in caplog.text


def test_workers_refused_together_read_the_page_shell_once(fake):
    fresh, rounds = fake.token, 4
    for _ in range(rounds):  # several rounds: how the workers overlap varies from run to run
        client = TreatyOfficeClient(
            fake.page_url,
            fake.api_url,
            "an-old-token",
            user_agent="test",
            read_page_on_start=False,
            sleep=no_sleep,
        )
        with client, ThreadPoolExecutor(4) as pool:
            results = list(pool.map(client.fetch_signatures, POLLED * 3))
        assert [r.status_code for r in results] == [200] * len(POLLED) * 3
        assert client.settings.token == fresh
    assert fake.count(PAGE_PATH) == rounds


BODY = standard_chart(210, kaz(210, signed=date(2026, 1, 10)))


def test_a_reading_is_reused_only_for_the_same_body_treaty_country_and_day():
    import json

    body = json.dumps(BODY).encode()
    day = date(2026, 2, 1)
    first = read_chart_by_hash(body, sha256="h1", treaty_number=210, country_code="KAZ", today=day)
    again = read_chart_by_hash(body, sha256="h1", treaty_number=210, country_code="kaz", today=day)
    assert again is first and first.record.signed_on == date(2026, 1, 10)
    # The signature is "ahead" of a day before it: the day is part of what a reading means.
    with pytest.raises(SourceFormatError):
        read_chart_by_hash(
            body, sha256="h1", treaty_number=210, country_code="KAZ", today=date(2026, 1, 1)
        )
    with pytest.raises(SourceFormatError):  # a body that failed to read fails again
        read_chart_by_hash(b"{}", sha256="h2", treaty_number=210, country_code="KAZ", today=day)
    with pytest.raises(SourceFormatError):
        read_chart_by_hash(b"{}", sha256="h2", treaty_number=210, country_code="KAZ", today=day)
