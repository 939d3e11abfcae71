"""The page shell is read when what it said last is a day old or fails, not on every poll."""

import socket
from datetime import timedelta

import pytest
from sqlmodel import Session

from tests.fake_treaty_office import PAGE_PATH, SIGNATURES_PATH
from tests.test_poll_treaties import (  # noqa: F401  (fixtures and marks, found by name)
    fake,
    poll,
    pytest_plugins,
)
from tests.treaty_helpers import NOW
from tracker.models import SourceStatus
from tracker.sources.health import TREATY_OFFICE, record_page_settings


def remembered(engine) -> dict | None:
    with Session(engine) as session:
        status = session.get(SourceStatus, TREATY_OFFICE)
        return status.page_settings if status else None


def remember(engine, fake, *, api_url: str, token: str, page_url: str | None = None) -> None:
    """Store what an earlier poll would have read from the page shell an hour before NOW."""
    with Session(engine) as session:
        record_page_settings(
            session,
            TREATY_OFFICE,
            page_url=page_url or fake.page_url,
            api_url=api_url,
            token=token,
            now=NOW - timedelta(hours=1),
        )
        session.commit()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_page_shell_is_read_by_the_first_poll_then_once_a_day(app, engine, fake):
    assert poll(app, fake)["failed"] == 0
    assert fake.count(PAGE_PATH) == 1
    assert remembered(engine) == {
        "page_url": fake.page_url,
        "api_url": fake.api_url,
        "token": fake.token,
        "read_at": NOW.isoformat(),
    }
    for hours in (1, 6, 23):
        assert poll(app, fake, now=NOW + timedelta(hours=hours))["failed"] == 0
    assert fake.count(PAGE_PATH) == 1
    assert fake.count(SIGNATURES_PATH) == 40
    assert poll(app, fake, now=NOW + timedelta(hours=24))["failed"] == 0
    assert fake.count(PAGE_PATH) == 2
    assert remembered(engine)["read_at"] == (NOW + timedelta(hours=24)).isoformat()


def test_a_remembered_token_that_is_refused_is_read_again_and_kept(app, engine, fake):
    remember(engine, fake, api_url=fake.api_url, token="a-token-since-rotated")
    counts = poll(app, fake, coe_token="the-configured-one-is-old-too")
    assert counts["failed"] == 0 and counts["treaties"] == 10
    assert fake.count(PAGE_PATH) == 1
    assert remembered(engine)["token"] == fake.token
    assert poll(app, fake, now=NOW + timedelta(hours=1))["failed"] == 0
    assert fake.count(PAGE_PATH) == 1  # the token read afresh is remembered


@pytest.mark.parametrize("gone", ["404", "closed port"])
def test_a_remembered_api_that_moved_is_read_again_from_the_page(app, engine, fake, gone):
    old = (
        f"{fake.base_url}/old-service/"
        if gone == "404"
        else f"http://127.0.0.1:{closed_port()}/WS_LFRConventions/"
    )
    remember(engine, fake, api_url=old, token=fake.token)
    counts = poll(app, fake, coe_api_url=old)  # the configuration names the old one too
    assert counts["failed"] == 0 and counts["treaties"] == 10
    assert fake.count(PAGE_PATH) == 1
    assert remembered(engine)["api_url"] == fake.api_url


def test_a_moved_api_with_an_unreadable_page_falls_back_to_the_configured_one(app, engine, fake):
    remember(engine, fake, api_url=f"{fake.base_url}/old-service/", token=fake.token)
    fake.set_challenge_page()
    counts = poll(app, fake)
    assert counts["failed"] == 0 and counts["treaties"] == 10
    assert fake.count(PAGE_PATH) == 1


def test_a_moved_api_with_an_unreadable_page_fails_with_both_reasons(app, engine, fake):
    old = f"{fake.base_url}/old-service/"
    remember(engine, fake, api_url=old, token=fake.token)
    fake.set_challenge_page()
    counts = poll(app, fake, coe_api_url=old)
    assert counts["failed"] == 10
    assert fake.count(PAGE_PATH) == 1  # once for the poll, not once per instrument
    with Session(engine) as session:
        error = session.get(SourceStatus, TREATY_OFFICE).last_error
    assert "404" in error and "the page shell could not be read" in error


@pytest.mark.parametrize("status", [404, 410])
def test_404s_from_an_api_that_did_not_move_read_the_page_once(app, engine, fake, status):
    remember(engine, fake, api_url=fake.api_url, token=fake.token)
    for number in (18, 30, 210):
        fake.fail_treaty(number, status)
    counts = poll(app, fake)
    assert counts["failed"] == 3 and counts["treaties"] == 10
    assert fake.count(PAGE_PATH) == 1  # it named the same API: those 404s are the API's own
    assert fake.count(SIGNATURES_PATH) == 10
    assert remembered(engine)["read_at"] == NOW.isoformat()


def test_a_server_error_does_not_read_the_page(app, engine, fake):
    remember(engine, fake, api_url=fake.api_url, token=fake.token)
    fake.fail_treaty(18, 503)
    assert poll(app, fake)["failed"] == 1
    assert fake.count(PAGE_PATH) == 0


def test_what_another_page_said_is_not_used(app, engine, fake):
    other_page = "https://www.coe.int/fr/web/conventions/full-list"
    remember(engine, fake, api_url=fake.api_url, token=fake.token, page_url=other_page)
    assert poll(app, fake)["failed"] == 0
    assert fake.count(PAGE_PATH) == 1
    assert remembered(engine)["page_url"] == fake.page_url
