"""Treaty Office HTTP: failures, retries, timeouts, conditional requests and the token."""

import json
import socket
from datetime import timedelta

import httpx
import pytest

from tests.fake_treaty_office import PAGE_PATH, SIGNATURES_PATH, standard_chart
from tests.treaty_office_client_helpers import D1, D2, NOW, TODAY, USER_AGENT, client_factory, kaz
from tracker.sources.treaty_office import (
    BodyTooLargeError,
    ChallengePageError,
    HttpPolicy,
    InvalidJsonError,
    PageShellError,
    SourceConnectionError,
    SourceError,
    SourceFormatError,
    SourceHttpError,
    SourceTimeoutError,
    SourceTlsError,
    TokenRefusedError,
    TreatyOfficeClient,
)
from tracker.sources.treaty_office.policy import parse_retry_after

pytest_plugins = ["tests.conftest_treaty_office"]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(fake_treaty_office, sleeps):
    yield from client_factory(fake_treaty_office, sleeps)


def test_request_carries_token_and_user_agent(fake_treaty_office, make_client):
    fake_treaty_office.set_chart(210, standard_chart(210))
    make_client().observe(210, today=TODAY)
    api = fake_treaty_office.last_request(SIGNATURES_PATH)
    page = fake_treaty_office.last_request(PAGE_PATH)
    assert api.headers["token"] == fake_treaty_office.token
    assert api.headers["user-agent"] == USER_AGENT
    assert page.headers["user-agent"] == USER_AGENT
    assert "token" not in page.headers
    assert USER_AGENT == "kz-resolution-tracker/0.1 (+mailto:tracker@example.org)"


# Failures -------------------------------------------------------------------------------


def test_not_found_is_not_retried(fake_treaty_office, make_client, sleeps):
    fake_treaty_office.fail_next(SIGNATURES_PATH, 1, 404, body=b"gone")
    with pytest.raises(SourceHttpError, match="404 Not Found") as caught:
        make_client().observe(210)
    assert caught.value.status_code == 404
    assert caught.value.body == b"gone"
    assert fake_treaty_office.count(SIGNATURES_PATH) == 1
    assert sleeps == []


def test_redirect_is_not_followed(fake_treaty_office, make_client):
    fake_treaty_office.fail_next(SIGNATURES_PATH, 1, 302, headers={"Location": "/elsewhere"})
    with pytest.raises(SourceHttpError, match="redirect to /elsewhere not followed"):
        make_client().observe(210)


def test_timeout_is_retried_then_reported(fake_treaty_office, make_client, sleeps):
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(signed=D1)))
    fake_treaty_office.delay_next(SIGNATURES_PATH, 1.0)
    client = make_client(timeout_seconds=0.2, policy=HttpPolicy(max_attempts=2, jitter_seconds=0))
    assert client.observe(210, today=TODAY).state == "signed"
    assert sleeps == [1.0]

    fake_treaty_office.delay_next(SIGNATURES_PATH, 1.0)
    fake_treaty_office.delay_next(SIGNATURES_PATH, 1.0)
    with pytest.raises(SourceTimeoutError, match="did not answer in time"):
        client.observe(210)


def test_the_deadline_counts_from_the_first_attempt(fake_treaty_office, make_client, sleeps):
    for _ in range(3):
        fake_treaty_office.delay_next(SIGNATURES_PATH, 2.0)
    policy = HttpPolicy(deadline_seconds=0.5, max_attempts=4, jitter_seconds=0)
    client = make_client(timeout_seconds=0.3, policy=policy)
    with pytest.raises(SourceTimeoutError, match="did not answer in time"):
        client.observe(210)
    # Two timeouts of 0.3 s pass the 0.5 s deadline: no third attempt.
    assert fake_treaty_office.count(SIGNATURES_PATH) == 2 and len(sleeps) == 1


def test_total_deadline_stops_a_slow_body(fake_treaty_office, make_client):
    fake_treaty_office.stream_next(
        SIGNATURES_PATH, b"[" + b" " * 100 + b"]", chunk_size=10, interval=0.05
    )
    client = make_client(policy=HttpPolicy(deadline_seconds=0.15, max_attempts=1))
    with pytest.raises(SourceTimeoutError, match="total deadline"):
        client.observe(210)


# Token, TLS and connections ----------------------------------------------------------


def test_token_refused_twice(fake_treaty_office, make_client):
    fake_treaty_office.token = "rotated"
    fake_treaty_office.set_page_shell(token="still-the-old-one")
    with pytest.raises(TokenRefusedError, match="refused the token \\(401\\)"):
        make_client(token="old").observe(210)
    assert fake_treaty_office.count(PAGE_PATH) == 2  # at start, then once after the refusal
    assert fake_treaty_office.count(SIGNATURES_PATH) == 2


def test_token_refused_and_page_unreadable(fake_treaty_office, make_client):
    fake_treaty_office.refusal_status = 403
    fake_treaty_office.token = "rotated"
    fake_treaty_office.set_challenge_page()
    with pytest.raises(TokenRefusedError, match="no new token could be read") as caught:
        make_client(token="old").observe(210)
    assert isinstance(caught.value.__cause__, ChallengePageError)


def test_token_rotation_reads_the_page_once(fake_treaty_office, make_client):
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(signed=D1)))
    fake_treaty_office.token = "new-token"
    fake_treaty_office.set_page_shell(token="new-token")
    client = make_client(token="old-token", read_page_on_start=False)
    assert client.observe(210, today=TODAY).state == "signed"
    assert client.settings.token == "new-token"
    assert fake_treaty_office.count(PAGE_PATH) == 1
    assert fake_treaty_office.count(SIGNATURES_PATH) == 2
    client.observe(210, today=TODAY)
    assert fake_treaty_office.count(PAGE_PATH) == 1


def test_start_reads_the_token_from_the_page(fake_treaty_office, make_client):
    fake_treaty_office.set_chart(210, standard_chart(210))
    fake_treaty_office.set_page_shell(quote="'")
    client = make_client(token="configured-but-stale", api_url="http://127.0.0.1:9/nowhere/")
    assert client.observe(210, today=TODAY).state == "not_signed"
    assert client.settings_source == "page"
    assert client.settings.api_url == fake_treaty_office.api_url
    assert fake_treaty_office.count(SIGNATURES_PATH) == 1


def test_tls_failure(fake_treaty_office, make_client, sleeps):
    https_url = fake_treaty_office.api_url.replace("http://", "https://")
    client = make_client(api_url=https_url, read_page_on_start=False)
    with pytest.raises(SourceTlsError, match="TLS handshake"):
        client.observe(210)
    assert sleeps == []


def test_connection_refused_is_retried_then_reported(make_client, sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(api_url=f"http://127.0.0.1:{port}/api/", read_page_on_start=False)
    with pytest.raises(SourceConnectionError, match="could not read"):
        client.observe(210)
    assert sleeps == [1.0, 2.0, 4.0]


# Retries --------------------------------------------------------------------------------


def test_503_is_retried_with_exponential_backoff(fake_treaty_office, make_client, sleeps):
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(signed=D1)))
    fake_treaty_office.fail_next(SIGNATURES_PATH, 3, 503)
    assert make_client().observe(210, today=TODAY).state == "signed"
    assert sleeps == [1.0, 2.0, 4.0]
    assert fake_treaty_office.count(SIGNATURES_PATH) == 4


def test_retries_are_bounded(fake_treaty_office, make_client, sleeps):
    fake_treaty_office.fail_next(SIGNATURES_PATH, 10, 500)
    client = make_client(policy=HttpPolicy(max_attempts=3, jitter_seconds=0))
    with pytest.raises(SourceHttpError, match="500 Internal Server Error") as caught:
        client.observe(210)
    assert caught.value.status_code == 500
    assert fake_treaty_office.count(SIGNATURES_PATH) == 3
    assert sleeps == [1.0, 2.0]


def test_backoff_is_capped_and_jittered(fake_treaty_office, make_client, sleeps):
    fake_treaty_office.fail_next(SIGNATURES_PATH, 5, 502)
    policy = HttpPolicy(max_attempts=5, max_backoff_seconds=3.0, jitter_seconds=0.5)
    with pytest.raises(SourceHttpError):
        make_client(policy=policy).observe(210)
    assert [int(seconds) for seconds in sleeps] == [1, 2, 3, 3]
    assert all(0 <= seconds - int(seconds) <= 0.5 for seconds in sleeps)


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        pytest.param("7", 7.0, id="seconds"),
        pytest.param("Thu, 15 Jan 2026 09:30:30 GMT", 30.0, id="http-date"),
        pytest.param("3600", 120.0, id="capped"),
        pytest.param("Thu, 15 Jan 2026 09:00:00 GMT", 0.0, id="date-in-the-past"),
        pytest.param("soon", 1.0, id="unreadable-falls-back-to-backoff"),
    ],
)
def test_429_honours_retry_after(fake_treaty_office, make_client, sleeps, retry_after, expected):
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(consent=D2)))
    fake_treaty_office.fail_next(SIGNATURES_PATH, 1, 429, headers={"Retry-After": retry_after})
    assert make_client().observe(210, today=TODAY).state == "acceded"
    assert sleeps == [expected]


def test_parse_retry_after():
    assert parse_retry_after(None, now=NOW) is None
    assert parse_retry_after(" 12 ", now=NOW) == 12.0
    later = NOW + timedelta(minutes=2)
    assert parse_retry_after(later.strftime("%a, %d %b %Y %H:%M:%S GMT"), now=NOW) == 120.0


# Conditional requests and limits ---------------------------------------------------------


@pytest.mark.parametrize(
    ("etag", "last_modified", "sent"),
    [(True, False, "if-none-match"), (False, True, "if-modified-since")],
)
def test_conditional_request_gives_not_modified(
    fake_treaty_office, make_client, etag, last_modified, sent
):
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(signed=D1)))
    fake_treaty_office.send_etag, fake_treaty_office.send_last_modified = etag, last_modified
    validators: dict = {}
    first = make_client(validators=validators).observe(210, today=TODAY)
    assert not first.not_modified and first.state == "signed"
    assert list(validators) == [first.fetch.url]
    assert sent not in fake_treaty_office.last_request(SIGNATURES_PATH).headers

    second = make_client(validators=json.loads(json.dumps(validators))).observe(210)
    assert second.not_modified
    assert (second.fetch.status_code, second.fetch.body, second.fetch.sha256) == (304, b"", None)
    assert (second.record, second.state) == (None, None)
    assert sent in fake_treaty_office.last_request(SIGNATURES_PATH).headers

    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(signed=D1, consent=D2)))
    if etag:
        third = make_client(validators=validators).observe(210, today=TODAY)
        assert third.state == "ratified"


def test_body_over_the_limit(fake_treaty_office, make_client):
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(signed=D1)))
    with pytest.raises(BodyTooLargeError, match="announced .* more than the limit of 200"):
        make_client(policy=HttpPolicy(max_bytes=200)).observe(210)


def test_streamed_body_over_the_limit(fake_treaty_office, make_client):
    fake_treaty_office.stream_next(SIGNATURES_PATH, b"[" + b" " * 500 + b"]", chunk_size=100)
    with pytest.raises(BodyTooLargeError, match="sent more than the limit of 200"):
        make_client(policy=HttpPolicy(max_bytes=200)).observe(210)


def test_every_failure_is_a_source_error():
    for error in (
        BodyTooLargeError,
        ChallengePageError,
        InvalidJsonError,
        PageShellError,
        SourceConnectionError,
        SourceFormatError,
        SourceHttpError,
        SourceTimeoutError,
        SourceTlsError,
        TokenRefusedError,
    ):
        assert issubclass(error, SourceError)


def test_legacy_tls_only_for_the_api_host():
    client = TreatyOfficeClient(user_agent=USER_AGENT, read_page_on_start=False)
    with client:
        patterns = client._http._mounts  # private: checks the mount, not a handshake
        assert any(pattern.matches(httpx.URL(client.signatures_url(210))) for pattern in patterns)
        assert not any(pattern.matches(httpx.URL(client.page_url)) for pattern in patterns)
