"""Point 2: public responses are cacheable and revalidated; a change changes every validator."""

import pytest
from flask import template_rendered
from sqlmodel import Session

from tests.open_data_helpers import PUBLIC_DATA, PUBLIC_HTML, change_status, fetch
from tracker import clock
from tracker.models import Document, SourceStatus

pytest_plugins = ["tests.conftest_browser", "tests.conftest_treaty_office"]


def etags(base: str, paths: list[str]) -> dict[str, str]:
    found = {}
    for path in paths:
        answer = fetch(base + path)
        assert answer.status == 200, path
        found[path] = answer.headers["ETag"]
    return found


@pytest.mark.parametrize("path", PUBLIC_HTML + PUBLIC_DATA)
def test_public_responses_are_revalidated_with_an_etag_and_answer_304(live_server, path):
    first = fetch(live_server + path)
    assert first.status == 200
    assert first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and len(etag) > 10
    assert {"Cookie", "Accept-Language"} <= {
        v.strip() for v in first.headers["Vary"].split(",")
    }
    again = fetch(live_server + path, {"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, no-cache"
    other = fetch(live_server + path, {"If-None-Match": 'W/"something-else"'})
    assert other.status == 200 and other.body == first.body
    # A different variant of the same resource is another representation.
    variant = fetch(live_server + path + "?limit=7")
    assert variant.headers["ETag"] != etag


@pytest.mark.parametrize("path", PUBLIC_HTML)
def test_cors_is_not_on_html_pages(live_server, path):
    assert "Access-Control-Allow-Origin" not in fetch(live_server + path).headers


@pytest.mark.parametrize("path", PUBLIC_DATA)
def test_cors_on_api_feeds_and_exports_get_only(live_server, path):
    answer = fetch(live_server + path)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    revalidated = fetch(live_server + path, {"If-None-Match": answer.headers["ETag"]})
    assert revalidated.headers["Access-Control-Allow-Origin"] == "*"
    if path.startswith("/api/"):
        # Errors too, so that a page elsewhere can read why its request failed.
        bad = fetch(live_server + path + "?limit=0")
        assert bad.status in {200, 400} and bad.headers["Access-Control-Allow-Origin"] == "*"
        posted = fetch(live_server + path, method="POST")
        assert posted.status in {400, 405}
        assert "Access-Control-Allow-Origin" not in posted.headers


def test_a_304_renders_nothing_and_runs_no_view_query(app, client, monkeypatch):
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        etag = client.get("/texts/res-2616/9.2.1").headers["ETag"]
        assert rendered == ["public/item.html"]
        rendered.clear()
        again = client.get("/texts/res-2616/9.2.1", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert rendered == []
    finally:
        template_rendered.disconnect(record, app)

    etag = client.get("/api/v1/items").headers["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("the view ran for a matching conditional request")

    monkeypatch.setattr("tracker.web.api.queries.items_page", refuse)
    assert client.get("/api/v1/items", headers={"If-None-Match": etag}).status_code == 304


def test_a_status_change_changes_every_validator_at_once(app, engine, live_server):
    before = etags(live_server, PUBLIC_HTML + PUBLIC_DATA)
    change_status(engine, "12.3")
    for path, etag in before.items():
        answer = fetch(live_server + path, {"If-None-Match": etag})
        assert answer.status == 200, f"{path} still answers 304 after a status change"
        assert answer.headers["ETag"] != etag


def test_a_treaty_change_changes_the_validators(app, engine, live_server, fake_treaty_office):
    from datetime import date, timedelta

    from jobs import poll_treaties
    from tests.fake_treaty_office import standard_chart
    from tests.treaty_helpers import NOW, kaz, make_ctx, no_sleep, serve_seeded_states

    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office), sleep=no_sleep)
    paths = ["/treaties", "/treaties/cets-210", "/api/v1/treaties/cets-210", "/deadlines.ics",
             "/export/treaties.csv", "/treaties/cets-210/feed.atom"]
    before = etags(live_server, paths)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=date(2026, 1, 10))))
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=6)),
                      sleep=no_sleep)
    for path, etag in before.items():
        assert fetch(live_server + path, {"If-None-Match": etag}).status == 200, path
    assert "2026-01-10" in fetch(live_server + "/api/v1/treaties/cets-210").body.decode()


@pytest.mark.parametrize("write", ["document", "source check"])
def test_writes_without_an_event_change_the_validators(engine, client, write):
    etag = client.get("/").headers["ETag"]
    with Session(engine) as session:
        if write == "document":
            session.add(Document(slug="extra", kind="draft", reference="Doc. 1", title="T",
                                 dated=clock.now().date(), source="s", seed_file="f",
                                 text_sha256="0" * 64))
        else:
            status = session.get(SourceStatus, "treaty_office") or SourceStatus(
                name="treaty_office")
            status.last_checked_at = clock.now()
            session.add(status)
        session.commit()
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_the_sources_page_follows_job_runs(engine, client):
    from tracker.models import JobRun

    etag = client.get("/sources").headers["ETag"]
    with Session(engine) as session:
        session.add(JobRun(job_id="send-mail", started_at=clock.now(), runner="test"))
        session.commit()
    assert client.get("/sources", headers={"If-None-Match": etag}).status_code == 200


def test_personal_pages_stay_no_store(client, login):
    assert "no-store" in client.get("/login").headers["Cache-Control"]
    assert "ETag" not in client.get("/subscribe").headers
    assert "no-store" in client.get("/subscribe").headers["Cache-Control"]
    anonymous = client.get("/texts/res-2616/9.2.1").headers["ETag"]
    login()
    page = client.get("/texts/res-2616/9.2.1", headers={"If-None-Match": anonymous})
    assert page.status_code == 200 and "ETag" not in page.headers
    assert page.headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/v1/items").headers["Cache-Control"] == "private, no-store"


def test_a_page_with_a_flashed_message_is_not_stored(client):
    anonymous = client.get("/").headers["ETag"]
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Saved.")]
    # The stored copy must not stand in for the page that shows the message.
    page = client.get("/", headers={"If-None-Match": anonymous})
    assert page.status_code == 200
    assert "Saved." in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store" and "ETag" not in page.headers
