"""Broken sources are reported on /sources, and never stop the other sources."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jobs.check_sources import SourcesFailed, run_scheduled
from tests.source_server import SourceSite, rss
from tests.sources_helpers import NOW, add_source, documents, health, make_ctx, run_check
from tracker.models import Event
from tracker.sources.fetching import (
    AddressRefusedError,
    SafeFetcher,
    check_url,
    is_refused_address,
)

GOOD = ("g-1", "Istanbul Convention news", "http://news.example/g", "Text.")
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title></item>
</channel></rss>"""


def fifty_megabytes():
    chunk = b"<rss>" + b"x" * (1024 * 1024)
    for _ in range(50):
        yield chunk


@pytest.fixture
def site():
    server = SourceSite()
    yield server
    server.close()


def test_each_broken_source_is_reported_and_the_good_one_is_recorded(app, engine, site, client):
    add_source(engine, "a-error", site.set("/500", b"oops", status=500))
    add_source(engine, "b-slow", site.set("/slow", rss(GOOD), delay=2.5))
    add_source(engine, "c-invalid", site.set("/invalid", b"<rss><channel><item>"))
    add_source(engine, "d-bomb", site.set("/bomb", BOMB))
    add_source(engine, "e-huge", site.set("/huge", fifty_megabytes))
    redirect = {"Location": "http://127.0.0.2:9/feed"}
    add_source(engine, "f-redirect", site.set("/redirect", b"", status=302, headers=redirect))
    add_source(engine, "g-good", site.set("/good", rss(GOOD)))
    sleeps: list[float] = []

    counts, failures = run_check(app, sleeps=sleeps, http_timeout_seconds=1)

    assert counts == {"checked": 7, "unchanged": 0, "new_documents": 1, "failed": 6}
    assert [d.title for d in documents(engine)] == [GOOD[1]]
    named = {failure.split(":", 1)[0]: failure for failure in failures}
    assert sorted(named) == ["a-error", "b-slow", "c-invalid", "d-bomb", "e-huge", "f-redirect"]
    assert "500" in named["a-error"] and site.requests["/500"] == 4  # retried, bounded
    assert "did not answer in time" in named["b-slow"]
    assert "not well-formed" in named["c-invalid"]
    assert "entities" in named["d-bomb"]
    assert "more than the limit" in named["e-huge"]
    # Refused at the hop itself (the feed's URL), before any request to that address.
    assert (
        "http://127.0.0.2:9/feed: 127.0.0.2 resolves to 127.0.0.2, a private" in named["f-redirect"]
    )
    assert len(sleeps) == 3 + 3  # 500 and the timeout: three waits each before giving up

    page = client.get("/sources").get_data(as_text=True)
    for slug in named:
        assert f'id="watch-{slug}"' in page
    assert "entities" in page and "127.0.0.2" in page
    assert health(engine, "g-good").consecutive_failures == 0
    assert health(engine, "d-bomb").consecutive_failures == 1


def test_the_scheduled_run_fails_naming_the_failed_sources_after_recording_the_others(
    app, engine, site
):
    add_source(engine, "broken", site.set("/404", b"", status=404))
    add_source(engine, "good", site.set("/good", rss(GOOD)))
    with pytest.raises(SourcesFailed, match=r"1 of 2 sources failed.*broken: .*404"):
        run_scheduled(make_ctx(app))
    assert len(documents(engine)) == 1


def test_failing_threshold_announces_once_and_recovery(app, engine, site):
    add_source(engine, "flaky", site.set("/f", b"", status=404), interval_minutes=60)
    for hour in range(4):
        run_check(app, now=NOW + timedelta(hours=hour), source_failure_threshold=3)
    site.set("/f", rss(GOOD))
    run_check(app, now=NOW + timedelta(hours=5), source_failure_threshold=3)
    with Session(engine) as session:
        kinds = [e.kind for e in session.exec(select(Event).order_by(Event.id))]
    assert kinds.count("source_failing") == 1 and kinds.count("source_recovered") == 1


def test_robots_txt_is_respected(app, engine, site):
    site.set("/robots.txt", b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    add_source(engine, "hidden", site.set("/private/feed", rss(GOOD)))
    add_source(engine, "open", site.set("/feed", rss(GOOD)))
    _, failures = run_check(app)
    assert len(failures) == 1 and "robots.txt does not allow" in failures[0]
    assert site.requests["/private/feed"] == 0 and site.requests["/robots.txt"] == 1


def test_retry_after_is_honoured(app, engine, site):
    add_source(engine, "busy", site.set("/busy", b"", status=503, headers={"Retry-After": "7"}))
    sleeps: list[float] = []
    run_check(app, sleeps=sleeps)
    assert len(sleeps) == 3 and all(7 <= s <= 7.5 for s in sleeps)


def test_retries_stop_at_the_total_deadline(app, engine, site):
    add_source(engine, "busy", site.set("/busy", b"", status=503, headers={"Retry-After": "50"}))
    sleeps: list[float] = []
    _, failures = run_check(app, sleeps=sleeps)
    assert len(sleeps) == 1 and "total deadline" in failures[0]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("file:///etc/passwd", ()),
        ("ftp://127.0.0.1/x", ("127.0.0.1/32",)),
        ("http://127.0.0.1/", ()),
        ("http://localhost/", ()),
        ("http://10.1.2.3/", ()),
        ("http://192.168.0.1/", ()),
        ("http://169.254.169.254/latest/meta-data", ()),
        ("http://[::1]/", ()),
        ("http://[fe80::1]/", ()),
        ("http://[::ffff:127.0.0.1]/", ()),
        ("http://0.0.0.0/", ()),
        ("http://127.0.0.2/", ("127.0.0.1/32",)),
        ("http:///nohost", ()),
    ],
)
def test_unsafe_urls_are_refused_before_connecting(url, allowed):
    with pytest.raises(AddressRefusedError):
        check_url(url, allowed=allowed)


@pytest.mark.parametrize(
    ("address", "allowed", "refused"),
    [
        ("8.8.8.8", (), False),
        ("2a00:1450:4001::1", (), False),
        ("127.0.0.1", ("127.0.0.1/32",), False),
        ("10.0.0.5", ("10.0.0.0/8",), False),
        ("10.0.0.5", ("127.0.0.1/32",), True),
        ("172.16.0.1", (), True),
        ("100.64.0.1", (), True),
        ("224.0.0.1", (), True),
    ],
)
def test_address_table(address, allowed, refused):
    assert is_refused_address(address, allowed) is refused


def test_a_public_name_is_checked_by_what_it_resolves_to():
    check_url("https://example.org/feed", resolve=lambda _host, _port: ["93.184.215.14"])
    with pytest.raises(AddressRefusedError, match="10.0.0.1"):
        check_url("https://evil.example/", resolve=lambda _h, _p: ["93.184.215.14", "10.0.0.1"])


def test_a_failing_robots_txt_means_no_fetch_and_a_missing_one_means_no_rules(app, engine, site):
    site.set("/robots.txt", b"", status=503)
    add_source(engine, "feed", site.set("/feed", rss(GOOD)), interval_minutes=60)
    _, failures = run_check(app)
    assert "robots.txt answered 503" in failures[0] and site.requests["/feed"] == 0
    site.set("/robots.txt", b"", status=404)
    _, failures = run_check(app, now=NOW + timedelta(hours=1))
    assert failures == [] and site.requests["/feed"] == 1


def test_a_failing_source_that_answers_304_again_is_announced_as_recovered(app, engine, site):
    add_source(engine, "flaky", site.set("/f", rss(GOOD)), interval_minutes=60)
    run_check(app)
    site.set("/f", b"", status=404)
    for hour in range(1, 4):
        run_check(app, now=NOW + timedelta(hours=hour), source_failure_threshold=3)
    site.set("/f", rss(GOOD))
    counts, _ = run_check(app, now=NOW + timedelta(hours=5), source_failure_threshold=3)
    assert counts["unchanged"] == 1 and site.conditional["/f"] == 1
    with Session(engine) as session:
        kinds = [e.kind for e in session.exec(select(Event).order_by(Event.id))]
    assert kinds.count("source_failing") == 1 and kinds.count("source_recovered") == 1
    assert health(engine, "flaky").consecutive_failures == 0
    assert health(engine, "flaky").last_success_at == NOW + timedelta(hours=5)


@contextmanager
def resolving_fetcher(resolve, networks: tuple[str, ...] = ()) -> Iterator[SafeFetcher]:
    """Yield a fetcher whose DNS answers are ``resolve``'s, allowed ``networks`` only."""
    fetcher = SafeFetcher(
        user_agent="test", timeout_seconds=2, allowed_networks=networks, resolve=resolve
    )
    try:
        yield fetcher
    finally:
        fetcher.close()


def test_a_name_that_resolves_again_to_a_private_address_is_never_connected_to(site):
    """DNS rebinding: the checks see a public answer, the next answer is the private address."""
    answers = []

    def rebinding(host: str, port: int) -> list[str]:
        answers.append(host)
        return ["93.184.215.14"] if len(answers) <= 2 else ["127.0.0.1"]

    url = site.set("/feed", rss(GOOD)).replace("127.0.0.1", "rebind.example")
    with resolving_fetcher(rebinding) as fetcher:
        with pytest.raises(AddressRefusedError, match="rebind.example resolves to 127.0.0.1"):
            fetcher.get(url)
    assert sum(site.requests.values()) == 0  # neither robots.txt nor the feed was asked for
    assert len(answers) == 3  # the URL's check, robots.txt's check, then the connection's own


def test_an_allowed_private_network_is_connected_to_through_the_pinned_address(site):
    url = site.set("/feed", rss(GOOD)).replace("127.0.0.1", "feeds.internal")
    with resolving_fetcher(lambda host, port: ["127.0.0.1"], ("127.0.0.1/32",)) as fetcher:
        assert b"Istanbul Convention news" in fetcher.get(url).body
    assert site.requests["/feed"] == 1


def test_when_the_first_checked_address_refuses_the_next_one_is_tried(site):
    url = site.set("/feed", rss(GOOD)).replace("127.0.0.1", "two.internal")
    # Nothing listens on 127.0.0.2: that connection is refused, the next address answers.
    with resolving_fetcher(lambda host, port: ["127.0.0.2", "127.0.0.1"], ("127.0.0.0/8",)) as f:
        assert b"Istanbul Convention news" in f.get(url).body
