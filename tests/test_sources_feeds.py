"""Feeds, listings and pages over several polls: new entries once, nothing twice."""

import time
from datetime import timedelta

import pytest

from jobs.check_sources import build_fetcher
from tests.source_server import SourceSite, atom, rss
from tests.sources_helpers import NOW, add_source, documents, health, make_ctx, run_check
from tracker.db import unit_of_work
from tracker.sources.watch import due_plans, fetch_all

HOUR = timedelta(hours=1)
A = ("a-1", "Istanbul Convention talks resume", "http://news.example/a", "Women's rights.")
B = ("b-2", "Torture in detention reported", "http://news.example/b", "Police custody.")
C = ("c-3", "GRECO compliance report", "http://news.example/c", "Anti-corruption.")


@pytest.fixture
def site():
    server = SourceSite()
    yield server
    server.close()


@pytest.mark.postgres
def test_rss_entries_appear_once_and_an_unchanged_feed_adds_nothing(app, engine, site):
    url = site.set("/rss", rss(A, B))
    add_source(engine, "rss", url, interval_minutes=60)
    counts, failures = run_check(app)
    assert failures == [] and counts["new_documents"] == 2
    assert [d.title for d in documents(engine)] == [A[1], B[1]]

    counts, _ = run_check(app, now=NOW + HOUR)
    assert counts == {"checked": 1, "unchanged": 1, "new_documents": 0, "failed": 0}
    assert site.conditional["/rss"] == 1  # asked with If-None-Match, answered 304

    site.set("/rss", rss(C, A, B))
    counts, _ = run_check(app, now=NOW + 2 * HOUR)
    assert counts["new_documents"] == 1
    assert [d.title for d in documents(engine)] == [A[1], B[1], C[1]]
    assert all("tracker-test (+ops@example.org)" == ua for ua in site.user_agents)


def test_a_source_is_checked_only_when_due(app, engine, site):
    add_source(engine, "rss", site.set("/rss", rss(A)), interval_minutes=60)
    run_check(app)
    counts, _ = run_check(app, now=NOW + timedelta(minutes=59))
    assert counts["checked"] == 0 and site.requests["/rss"] == 1
    counts, _ = run_check(app, now=NOW + timedelta(minutes=60))
    assert counts["checked"] == 1 and counts["unchanged"] == 1
    counts, _ = run_check(app, now=NOW + timedelta(minutes=119))  # unchanged: due again in 60
    assert counts["checked"] == 0
    counts, _ = run_check(app, now=NOW + timedelta(minutes=120))
    assert counts["checked"] == 1


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(rss(B, A), id="reordered"),
        pytest.param(rss(A[:3] + ("Women's rights, updated text.",), B), id="edited-same-id"),
        pytest.param(
            rss(A, B).replace(b"Mon, 01 Dec 2025 10:00:00", b"Tue, 02 Dec 2025 11:00:00"),
            id="re-dated",
        ),
        pytest.param(rss(("new-guid-for-a",) + A[1:], B), id="republished-new-id-same-link"),
        pytest.param(
            rss(("guid-y", "Istanbul Convention: talks resumed", A[2], "Rewritten."), B),
            id="republished-new-id-new-text-same-link",
        ),
        pytest.param(
            rss(("guid-z", A[1], "http://news.example/a?utm=x", A[3]), B),
            id="republished-new-id-and-link",
        ),
    ],
)
def test_a_feed_that_reorders_redates_or_republishes_does_not_duplicate(app, engine, site, second):
    url = site.set("/rss", rss(A, B))
    add_source(engine, "rss", url, interval_minutes=60)
    run_check(app)
    site.set("/rss", second)
    counts, failures = run_check(app, now=NOW + HOUR)
    assert failures == [] and counts["new_documents"] == 0
    assert len(documents(engine)) == 2


def test_atom_entries_once(app, engine, site):
    first = ("urn:1", "Venice Commission opinion", "http://v.example/1", "2025-12-01T10:00:00Z",
             "On the judiciary.")  # fmt: skip
    second = ("urn:2", "UPR outcome adopted", "http://v.example/2", "2025-12-02T10:00:00Z", "UN.")
    url = site.set("/atom", atom(first))
    add_source(engine, "atom", url, interval_minutes=60)
    run_check(app)
    site.set("/atom", atom(second, first[:3] + ("2025-12-05T10:00:00Z",) + first[4:]))
    run_check(app, now=NOW + HOUR)
    found = documents(engine)
    assert [d.title for d in found] == [first[1], second[1]]
    assert found[0].link == "http://v.example/1" and found[0].published_at.year == 2025


def test_an_html_listing_gives_one_entry_per_selected_element(app, engine, site):
    page = """<html><body><nav><a href="/home">Home</a></nav><ul>
      <li class="news"><a href="/n/1">PACE co-rapporteurs visit Astana</a>
        <time datetime="2025-11-30T08:00:00Z">30 Nov</time></li>
      <li class="news"><a href="/n/2">Statement on <b>torture</b> prevention</a></li>
      <li class="other"><a href="/x">Not news</a></li>
      <script>document.write('<li class="news"><a href="/evil">x</a></li>')</script>
    </ul></body></html>"""
    url = site.set("/list", page.encode(), content_type="text/html")
    add_source(engine, "list", url, kind="listing", selector="li.news", interval_minutes=60)
    run_check(app)
    found = documents(engine)
    assert [(d.title, d.link) for d in found] == [
        ("PACE co-rapporteurs visit Astana", site.url("/n/1")),
        ("Statement on torture prevention", site.url("/n/2")),
    ]
    assert found[0].published_at is not None
    site.set("/list", page.replace("</ul>", '<li class="news"><a href="/n/3">New</a></li></ul>')
             .encode(), content_type="text/html")  # fmt: skip
    counts, _ = run_check(app, now=NOW + HOUR)
    assert counts["new_documents"] == 1 and documents(engine)[-1].link == site.url("/n/3")


def test_a_watched_page_reports_each_change_of_its_main_text_with_a_word_diff(app, engine, site):
    def page(body: str, nav: str = "menu") -> bytes:
        head = f"<head><title>Law portal</title><script>var t={nav!r}</script></head>"
        body = f"<body><nav>{nav}</nav><header>Portal</header><p>{body}</p>"
        body += f"<footer>{nav}</footer></body>"
        return f"<html>{head}{body}</html>".encode()

    text = "The draft law on domestic violence was registered in the Mazhilis. " + "Word " * 40
    url = site.set("/page", page(text), content_type="text/html")
    add_source(engine, "page", url, kind="page", interval_minutes=60)
    run_check(app)
    assert documents(engine) == []  # the first snapshot is the baseline

    site.set("/page", page(text, nav="new menu"), content_type="text/html")
    counts, _ = run_check(app, now=NOW + HOUR)
    assert counts["new_documents"] == 0  # navigation and scripts are not the page's text

    changed = text.replace("was registered in", "was adopted by")
    site.set("/page", page(changed), content_type="text/html")
    run_check(app, now=NOW + 2 * HOUR)
    (document,) = documents(engine)
    assert document.title == "Law portal: the page changed"
    assert ["delete", "registered in"] in document.excerpt
    assert ["insert", "adopted by"] in document.excerpt
    assert any(op == "equal" and "…" in words for op, words in document.excerpt)
    run_check(app, now=NOW + 3 * HOUR)
    assert len(documents(engine)) == 1
    assert health(engine, "page").last_success_at == NOW + 3 * HOUR


def test_an_unchanged_answer_without_validators_is_not_parsed_again(app, engine, site):
    add_source(engine, "plain", site.set("/rss", rss(A, B), etag=False), interval_minutes=60)
    run_check(app)
    counts, _ = run_check(app, now=NOW + HOUR)
    assert counts["unchanged"] == 1 and site.conditional["/rss"] == 0
    assert len(documents(engine)) == 2


def test_a_near_site_is_asked_one_source_at_a_time_and_sites_go_side_by_side(app, engine, site):
    other = SourceSite()
    try:
        for n in range(4):
            add_source(engine, f"near-{n}", site.set(f"/near/{n}", rss(A), delay=0.2))
        add_source(engine, "elsewhere", other.set("/far", rss(B), delay=0.6))
        ctx = make_ctx(app)
        with unit_of_work(engine) as session:
            plans = due_plans(session, now=ctx.now)
        fetcher = build_fetcher(ctx)
        started = time.monotonic()
        try:
            # However long the machine makes a request wait, a minute counts as near.
            outcomes = fetch_all(fetcher, plans, near_source_seconds=60)
        finally:
            fetcher.close()
        took = time.monotonic() - started
    finally:
        other.close()
    assert [o.plan.slug for o in outcomes] == [p.slug for p in plans]
    assert all(o.error is None for o in outcomes)
    assert site.most_in_flight == 1
    # The other site's 0.6 s went on beside the near site's four 0.2 s, not after them.
    assert took < 0.8 + 0.6


def test_at_most_two_requests_at_once_go_to_one_site(app, engine, site):
    for n in range(5):
        add_source(engine, f"slow-{n}", site.set(f"/slow/{n}", rss(A), delay=0.3))
    counts, _ = run_check(app)
    assert counts["checked"] == 5 and site.most_in_flight == 2


@pytest.mark.postgres
def test_nul_characters_in_a_page_never_reach_the_database(app, engine, site):
    page = b"<ul><li class=n><a href='/x'>Torture\x00 report</a> text\x00here</li></ul>"
    add_source(engine, "nul", site.set("/nul", page, content_type="text/html"), kind="listing",
               selector="li.n")  # fmt: skip
    counts, failures = run_check(app)
    assert failures == [] and [d.title for d in documents(engine)] == ["Torture report"]


def test_new_validators_of_an_unchanged_answer_are_kept(app, engine, site):
    first, second = "Mon, 01 Dec 2025 10:00:00 GMT", "Tue, 02 Dec 2025 10:00:00 GMT"
    url = site.set("/rss", rss(A), etag=False, headers={"Last-Modified": first})
    add_source(engine, "lm", url, interval_minutes=60)
    run_check(app)
    assert health(engine, "lm").validators[url]["last_modified"] == first
    site.set("/rss", rss(A), etag=False, headers={"Last-Modified": second})
    counts, _ = run_check(app, now=NOW + HOUR)
    assert counts["unchanged"] == 1
    assert health(engine, "lm").validators[url]["last_modified"] == second


@pytest.mark.postgres
def test_an_overlong_link_is_dropped_not_fatal(app, engine, site):
    long_link = "http://news.example/" + "a" * 2100
    add_source(engine, "long", site.set("/rss", rss(("x", "Long link", long_link, "Text."), A)))
    counts, failures = run_check(app)
    assert failures == [] and counts["new_documents"] == 2
    assert [d.link for d in documents(engine)] == [None, A[2]]


@pytest.mark.postgres
def test_snapshots_no_document_cites_are_pruned_to_the_newest_few(app, engine, site):
    from sqlmodel import Session, col, select

    from tracker.documents.inbox import KEEP_UNREFERENCED_SNAPSHOTS
    from tracker.models import FoundDocument, SourceSnapshot

    add_source(engine, "rss", site.set("/rss", rss(A)), interval_minutes=60)
    run_check(app)  # the first answer brings §A: its snapshot is evidence
    for poll in range(1, KEEP_UNREFERENCED_SNAPSHOTS + 4):
        # Only the feed's build comment changes: a new snapshot each time, no new document.
        site.set("/rss", rss(A) + f"<!-- built {poll} -->".encode())
        counts, failures = run_check(app, now=NOW + poll * HOUR)
        assert failures == [] and counts["new_documents"] == 0
    with Session(engine) as session:
        kept = session.exec(select(SourceSnapshot.id).order_by(col(SourceSnapshot.id))).all()
        cited = session.exec(select(FoundDocument.snapshot_id)).one()
        newest = session.exec(select(SourceSnapshot.body).order_by(col(SourceSnapshot.id).desc()))
        newest_body = newest.first()
    assert cited == kept[0]  # the evidence of the one document stays
    assert len(kept) == 1 + KEEP_UNREFERENCED_SNAPSHOTS
    assert f"built {KEEP_UNREFERENCED_SNAPSHOTS + 3}".encode() in newest_body
