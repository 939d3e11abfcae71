"""Admins manage watched sources on /admin/sources and with ``tracker sources``."""

import dataclasses

import pytest
from sqlmodel import Session, select

from tests.conftest import csrf_token
from tests.source_server import SourceSite, rss
from tracker.cli import SEEDS_DIR
from tracker.models import WatchedSource

FORM = {
    "slug": "pace-news",
    "name": "PACE news",
    "url": "https://pace.coe.int/en/news",
    "kind": "listing",
    "selector": "div.news-item",
    "interval_minutes": "720",
    "item_numbers": "9.2.1, 6",
    "keywords": "Istanbul Convention, ratification",
}


def sources(engine) -> dict[str, WatchedSource]:
    with Session(engine) as session:
        return {s.slug: s for s in session.exec(select(WatchedSource))}


def test_only_admins_reach_the_page(client, login):
    assert client.get("/admin/sources").status_code == 302
    login()
    assert client.get("/admin/sources").status_code == 403


def test_an_admin_adds_edits_pauses_and_removes_a_source(client, login, engine):
    login("admin@example.org", "admin")
    page = client.get("/admin/sources").get_data(as_text=True)
    assert "this machine may not be able to reach them" in page
    token = csrf_token(page)
    response = client.post("/admin/sources", data={**FORM, "csrf_token": token})
    assert response.status_code == 302
    added = sources(engine)["pace-news"]
    assert added.paused is False and added.item_numbers == ["9.2.1", "6"]
    assert added.keywords == ["Istanbul Convention", "ratification"]

    edit = {**FORM, "kind": "feed", "selector": "", "interval_minutes": "60", "csrf_token": token}
    assert client.post("/admin/sources/pace-news", data=edit).status_code == 302
    assert sources(engine)["pace-news"].kind == "feed"
    assert sources(engine)["pace-news"].interval_minutes == 60

    client.post("/admin/sources/pace-news/pause", data={"csrf_token": token})
    assert sources(engine)["pace-news"].paused is True
    client.post("/admin/sources/pace-news/resume", data={"csrf_token": token})
    assert sources(engine)["pace-news"].paused is False
    client.post("/admin/sources/pace-news/remove", data={"csrf_token": token})
    assert "pace-news" not in sources(engine)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"url": "ftp://example.org/feed"}, "http:// or https://"),
        ({"item_numbers": "99.1"}, "No paragraph is numbered 99.1"),
        ({"selector": ""}, "needs a CSS selector"),
        ({"selector": "div["}, "is not valid"),
        ({"slug": "Bad Slug"}, "short name"),
        ({"interval_minutes": "5"}, "at least 15"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(client, login, engine, change, message):
    login("admin@example.org", "admin")
    token = csrf_token(client.get("/admin/sources").get_data(as_text=True))
    response = client.post("/admin/sources", data={**FORM, **change, "csrf_token": token})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert sources(engine) == {}


def test_the_seed_adds_the_cited_sources_paused_once(app, engine):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert "watched sources from sources.json, paused" in first.output
    seeded = sources(engine)
    assert len(seeded) >= 10 and all(s.paused for s in seeded.values())
    assert "un-upr-kazakhstan" in seeded and "greco-kazakhstan" in seeded
    assert "watched sources" not in runner.invoke(args=["seed"]).output
    assert (SEEDS_DIR / "sources.json").exists()


def test_the_command_line_adds_lists_and_checks_a_source(app, engine):
    site = SourceSite()
    url = site.set("/rss", rss(("1", "Istanbul Convention", "http://x.example/1", "Text")))
    settings = app.extensions["tracker_settings"]
    app.extensions["tracker_settings"] = dataclasses.replace(
        settings, sources_allow_private=("127.0.0.1/32",)
    )
    runner = app.test_cli_runner()
    try:
        added = runner.invoke(args=["sources", "add", "local", url, "--name", "Local news",
                                    "--items", "9.2.1", "--keywords", "Istanbul"])  # fmt: skip
        assert added.exit_code == 0 and "paused" in added.output
        listed = runner.invoke(args=["sources", "list"])
        assert "local\tfeed\tpaused\tnever checked" in listed.output
        checked = runner.invoke(args=["sources", "check", "local"])
        assert checked.exit_code == 0 and "1 new document" in checked.output
        assert "ok, last checked" in runner.invoke(args=["sources", "list"]).output
        assert runner.invoke(args=["sources", "check", "nope"]).exit_code != 0
        app.extensions["tracker_settings"] = settings  # 127.0.0.1 refused again
        refused = runner.invoke(args=["sources", "check", "local"])
        assert refused.exit_code == 1 and "loopback" in refused.output
    finally:
        site.close()


def test_a_source_whose_documents_a_monitor_decided_on_cannot_be_removed(
    app, client, login, engine
):
    from tests.sources_helpers import add_source, documents, run_check
    from tracker.db import unit_of_work
    from tracker.documents.decisions import dismiss_document
    from tracker.items.status_changes import Actor
    from tracker.models import FoundDocument

    site = SourceSite()
    try:
        add_source(engine, "news", site.set("/rss", rss(("1", "A", "http://x.example/1", "T"))))
        add_source(engine, "other", site.set("/other", rss(("2", "B", "http://x.example/2", "T"))))
        run_check(app)
    finally:
        site.close()
    first = documents(engine, "news")[0]
    with unit_of_work(engine) as session:
        document = session.get(FoundDocument, first.id)
        dismiss_document(session, document, actor=Actor("m@example.org"), now=first.found_at)
    login("admin@example.org", "admin")
    token = csrf_token(client.get("/admin/sources").get_data(as_text=True))
    refused = client.post("/admin/sources/news/remove", data={"csrf_token": token},
                          follow_redirects=True)  # fmt: skip
    assert "pause the source instead" in refused.get_data(as_text=True)
    assert "news" in sources(engine)
    client.post("/admin/sources/other/remove", data={"csrf_token": token})
    assert "other" not in sources(engine) and documents(engine, None)[-1].id == first.id
