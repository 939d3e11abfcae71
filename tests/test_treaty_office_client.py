"""The Treaty Office fetcher, parser and state derivation, against a fake on 127.0.0.1."""

import json
import socket
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from jobs.treaty_office import (
    BodyTooLargeError,
    ChallengePageError,
    CountryRecord,
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
    derive_treaty_state,
    is_backwards,
    is_challenge_page,
    make_user_agent,
    parse_signatures,
    read_api_settings,
)
from jobs.treaty_office.policy import parse_retry_after
from tests.fake_treaty_office import (
    CHALLENGE_HTML,
    PAGE_PATH,
    SIGNATURES_PATH,
    chart_row,
    page_shell_html,
    standard_chart,
)

pytest_plugins = ["tests.conftest_treaty_office"]

TODAY = date(2026, 1, 15)
NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
USER_AGENT = make_user_agent("kz-resolution-tracker/0.1", "mailto:tracker@example.org")


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(fake_treaty_office, sleeps):
    clients = []

    def make(**options) -> TreatyOfficeClient:
        options.setdefault("user_agent", USER_AGENT)
        options.setdefault("timeout_seconds", 2.0)
        options.setdefault("policy", HttpPolicy(backoff_seconds=1.0, jitter_seconds=0.0))
        options.setdefault("sleep", sleeps.append)
        options.setdefault("clock", lambda: NOW)
        client = TreatyOfficeClient(
            options.pop("page_url", fake_treaty_office.page_url),
            options.pop("api_url", fake_treaty_office.api_url),
            options.pop("token", fake_treaty_office.token),
            **options,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def kaz(treaty_number: int = 210, **dates) -> dict:
    return chart_row("KAZ", "Kazakhstan", treaty_number, **dates)


D1, D2, D3, D4 = date(2020, 4, 22), date(2021, 5, 3), date(2022, 6, 1), date(2024, 9, 1)


@pytest.mark.parametrize(
    ("row", "state"),
    [
        pytest.param(None, "not_signed", id="no-row"),
        pytest.param(kaz(), "not_signed", id="row-with-no-dates"),
        pytest.param(kaz(signed=D1), "signed", id="signature"),
        pytest.param(kaz(signed=D1, consent=D2), "ratified", id="ratification"),
        pytest.param(kaz(consent=D2), "acceded", id="accession"),
        pytest.param(kaz(signed=D1, consent=D2, in_force=D3), "in_force", id="in-force-past"),
        pytest.param(kaz(consent=D2, in_force=TODAY), "in_force", id="in-force-today"),
        pytest.param(
            kaz(signed=D1, consent=D2, in_force=date(2026, 3, 1)), "ratified", id="in-force-future"
        ),
        pytest.param(
            kaz(consent=D2, in_force=date(2026, 3, 1)), "acceded", id="accession-in-force-future"
        ),
        pytest.param(
            kaz(consent=D1, in_force=D2, denounced=D3, denunciation_effective=D4),
            "denounced",
            id="denunciation",
        ),
        pytest.param(kaz(consent=D1, in_force=D2, suspended=D3), "suspended", id="suspension"),
    ],
)
def test_observe_derives_each_state(fake_treaty_office, make_client, row, state):
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=row))
    with make_client() as client:
        observation = client.observe(210, today=TODAY)
    assert observation.state == state
    assert observation.record.country_code == "KAZ"
    assert observation.record.country_name == (None if row is None else "Kazakhstan")
    assert observation.fetch.status_code == 200
    assert observation.fetch.fetched_at == NOW
    assert len(observation.fetch.sha256) == 64


def test_observe_keeps_every_date(fake_treaty_office, make_client):
    row = kaz(signed=D1, consent=D2, in_force=D3, denounced=D4, denunciation_effective=TODAY)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=row))
    record = make_client().observe(210, today=TODAY).record
    assert record == CountryRecord(210, "KAZ", "Kazakhstan", D1, D2, D3, D4, TODAY, None)


@pytest.mark.parametrize(
    ("denounced", "suspended", "state"),
    [(D3, D4, "suspended"), (D4, D3, "denounced"), (D3, D3, "denounced")],
)
def test_denunciation_and_suspension_the_later_wins(denounced, suspended, state):
    record = CountryRecord(210, "KAZ", "Kazakhstan", D1, D2, D2, denounced, None, suspended)
    assert derive_treaty_state(record, today=TODAY) == state


def test_derive_treaty_state_of_nothing():
    assert derive_treaty_state(None, today=TODAY) == "not_signed"


@pytest.mark.parametrize("bucket", [0, 1, 2])
def test_row_is_found_by_code_in_any_bucket(fake_treaty_office, make_client, bucket):
    buckets = standard_chart(30)
    buckets[bucket].insert(1, kaz(30, consent=D2))
    fake_treaty_office.set_chart(30, buckets)
    observation = make_client().observe(30, today=TODAY)
    assert observation.state == "acceded"
    assert fake_treaty_office.last_request(SIGNATURES_PATH).query == {
        "numSTE": "030",
        "langue": "ENG",
    }


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


def test_total_deadline_stops_a_slow_body(fake_treaty_office, make_client):
    fake_treaty_office.stream_next(
        SIGNATURES_PATH, b"[" + b" " * 100 + b"]", chunk_size=10, interval=0.05
    )
    client = make_client(policy=HttpPolicy(deadline_seconds=0.15, max_attempts=1))
    with pytest.raises(SourceTimeoutError, match="total deadline"):
        client.observe(210)


def test_invalid_json(fake_treaty_office, make_client):
    fake_treaty_office.respond_next(SIGNATURES_PATH, "<html>maintenance</html>")
    with pytest.raises(InvalidJsonError, match="not valid JSON") as caught:
        make_client().observe(210)
    assert caught.value.url.endswith("numSTE=210&langue=ENG")


def good_row(**changes) -> dict:
    return {**kaz(signed=D1), **changes}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"Message": "error"}, "not a list of buckets", id="not-a-list"),
        pytest.param([], "no buckets", id="no-buckets"),
        pytest.param([[], [], []], "every bucket of the chart is empty", id="all-empty"),
        pytest.param([[good_row()], {"a": 1}, []], "bucket 1 .* not a list", id="bucket-not-list"),
        pytest.param([[good_row()], ["KAZ"]], "row 0 of bucket 1 .* not an object", id="row-text"),
        pytest.param([[{"LibPaysOrga": "Kazakhstan"}]], "has no CodePays", id="no-code"),
        pytest.param([[good_row(CodePays="")]], "has no CodePays", id="empty-code"),
        pytest.param([[good_row(DateSignature="2020-04-22")]], "DateSignature", id="date-only"),
        pytest.param([[good_row(DateConsentement="22/04/2020")]], "DateConsentement", id="d/m/y"),
        pytest.param([[good_row(DateSignature="2020-02-30T00:00:00")]], "not a real", id="30-feb"),
        pytest.param([[good_row(DateSignature="2020-04-22T10:00:00")]], "DateSig", id="time"),
        pytest.param([[good_row(DateSuspension=20200422)]], "DateSuspension", id="number"),
        pytest.param(
            [[{k: v for k, v in good_row().items() if k != "DateEntreeVigueur"}]],
            "no DateEntreeVigueur field",
            id="date-field-missing",
        ),
        pytest.param([[good_row()], [good_row()]], "2 rows for KAZ", id="duplicate"),
        pytest.param([[good_row(NumSTE="148")]], "treaty 148, not treaty 210", id="other-treaty"),
    ],
)
def test_unexpected_shape(fake_treaty_office, make_client, body, message):
    fake_treaty_office.set_chart(210, body)
    with pytest.raises(SourceFormatError, match=message) as caught:
        make_client().observe(210)
    assert not isinstance(caught.value, InvalidJsonError)


def test_parse_signatures_without_http():
    body = json.dumps(standard_chart(18, kaz=kaz(18, signed=D1, consent=D2, in_force=D3)))
    record = parse_signatures(body.encode(), treaty_number=18, country_code="kaz")
    assert (record.signed_on, record.consent_on, record.in_force_on) == (D1, D2, D3)
    assert record.has_dates


@pytest.mark.parametrize("status", [200, 403])
def test_challenge_page_on_the_page_shell(fake_treaty_office, make_client, status):
    fake_treaty_office.set_challenge_page(status=status)
    client = make_client()
    with pytest.raises(ChallengePageError, match="Cloudflare challenge"):
        client.read_settings_from_page()
    assert fake_treaty_office.count(PAGE_PATH) == 1


def test_challenge_page_at_start_falls_back_to_configured_settings(fake_treaty_office, make_client):
    fake_treaty_office.set_challenge_page()
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(signed=D1)))
    client = make_client()
    assert client.observe(210, today=TODAY).state == "signed"
    assert client.settings_source == "configured"
    assert fake_treaty_office.count(PAGE_PATH) == 1


def test_challenge_page_from_the_api(fake_treaty_office, make_client):
    fake_treaty_office.respond_next(SIGNATURES_PATH, CHALLENGE_HTML, status=403)
    with pytest.raises(ChallengePageError):
        make_client(read_page_on_start=False).observe(210)


def test_page_shell_without_globals(fake_treaty_office, make_client):
    fake_treaty_office.page_html = "<html><noscript>enable JavaScript</noscript></html>"
    with pytest.raises(PageShellError, match="conventions_api_url or window.conventions_api_key"):
        make_client().read_settings_from_page()


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


# Page shell ------------------------------------------------------------------------------


@pytest.mark.parametrize("quote", ['"', "'"])
def test_page_shell_in_both_quote_styles(fake_treaty_office, make_client, quote):
    html = page_shell_html(
        "https://conventions-ws.coe.int/WS_LFRConventions/", "abc123", quote=quote
    )
    settings = read_api_settings(html)
    assert settings.api_url == "https://conventions-ws.coe.int/WS_LFRConventions/"
    assert settings.token == "abc123"

    fake_treaty_office.set_page_shell(token="served", quote=quote)
    served = make_client().read_settings_from_page()
    assert (served.api_url, served.token) == (fake_treaty_office.api_url, "served")


def test_page_shell_adds_the_trailing_slash():
    html = (
        "<script>window.conventions_api_url='https://x.example/WS';"
        "window.conventions_api_key='k'</script>"
    )
    assert read_api_settings(html).api_url == "https://x.example/WS/"


@pytest.mark.parametrize(
    ("html", "challenge"),
    [
        (CHALLENGE_HTML, True),
        ("<title>Just a moment...</title>", True),
        ('<script src="https://challenges.cloudflare.com/turnstile"></script>', True),
        ('<form id="challenge-form" action="/?__cf_chl_f_tk=abc">', True),
        ('<div class="cf-chl-widget"></div>', True),
        (page_shell_html("https://a.example/", "t"), False),
    ],
)
def test_is_challenge_page(html, challenge):
    assert is_challenge_page(html) is challenge
    assert is_challenge_page(html.encode()) is challenge


# Moving backwards ------------------------------------------------------------------------

NO_DATES = {"signed_on": None, "consent_on": None, "in_force_on": None}


@pytest.mark.parametrize(
    ("old_state", "old_dates", "new_state", "new_dates", "backwards"),
    [
        (None, {}, "not_signed", NO_DATES, False),
        ("not_signed", NO_DATES, "signed", {**NO_DATES, "signed_on": D1}, False),
        (
            "signed",
            {**NO_DATES, "signed_on": D1},
            "ratified",
            {"signed_on": D1, "consent_on": D2},
            False,
        ),
        (
            "ratified",
            {"signed_on": D1, "consent_on": D2},
            "in_force",
            {"signed_on": D1, "consent_on": D2, "in_force_on": D3},
            False,
        ),
        (
            "in_force",
            {"consent_on": D2, "in_force_on": D3},
            "denounced",
            {"consent_on": D2, "in_force_on": D3, "denounced_on": D4},
            False,
        ),
        ("signed", {"signed_on": D1}, "signed", {"signed_on": D2}, False),
        ("in_force", {"consent_on": D2, "in_force_on": D3}, "not_signed", NO_DATES, True),
        ("ratified", {"signed_on": D1, "consent_on": D2}, "signed", {"signed_on": D1}, True),
        ("ratified", {"signed_on": D1, "consent_on": D2}, "acceded", {"consent_on": D2}, True),
        ("acceded", {"consent_on": D2}, "ratified", {"signed_on": D1, "consent_on": D2}, False),
        (
            "suspended",
            {"in_force_on": D2, "suspended_on": D3},
            "in_force",
            {"in_force_on": D2},
            True,
        ),
        ("denounced", {"denounced_on": D3}, "suspended", {"suspended_on": D4}, True),
    ],
)
def test_is_backwards(old_state, old_dates, new_state, new_dates, backwards):
    assert is_backwards(old_state, old_dates, new_state, new_dates) is backwards


def test_is_backwards_rejects_unknown_states():
    with pytest.raises(ValueError, match="unknown treaty state"):
        is_backwards("party", {}, "signed", {})


def test_is_backwards_with_records():
    old = CountryRecord(210, "KAZ", "Kazakhstan", signed_on=D1)
    new = CountryRecord(210, "KAZ", "Kazakhstan")
    assert is_backwards("signed", old.dates(), "not_signed", new.dates())


def test_legacy_tls_only_for_the_api_host():
    client = TreatyOfficeClient(user_agent=USER_AGENT, read_page_on_start=False)
    with client:
        patterns = client._http._mounts  # private: checks the mount, not a handshake
        assert any(pattern.matches(httpx.URL(client.signatures_url(210))) for pattern in patterns)
        assert not any(pattern.matches(httpx.URL(client.page_url)) for pattern in patterns)
