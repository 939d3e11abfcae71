"""Several texts side by side: slugs, dashboards, item pages, old links, the API."""

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text as sql
from sqlmodel import select

from tests.conftest import TEST_SECRET, csrf_token
from tracker import clock, create_app
from tracker.db import unit_of_work
from tracker.migrate import alembic_config, upgrade_database
from tracker.models import Document
from tracker.resources import SEEDS
from tracker.texts.seeding import seed_database

SAMPLE = Path(__file__).parent / "fixtures" / "recommendation-sample.md"


@pytest.fixture
def two_texts(app):
    """The seeded Resolution 2616 and the imported sample Recommendation 9999."""
    result = app.test_cli_runner().invoke(args=["texts", "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    return app


def test_seeded_resolution_has_the_slug_res_2616(session):
    document = session.exec(select(Document).where(Document.kind == "resolution")).one()
    assert document.slug == "res-2616"


def test_home_shows_the_default_text_and_lists_the_others(two_texts, client):
    html = client.get("/").get_data(as_text=True)
    assert "Resolution 2616 (2025): implementation dashboard" in html
    assert 'href="/texts/rec-9999"' in html and "Recommendation 9999 (2025)" in html
    assert 'href="/texts/res-2616/9.2.1"' in html
    assert "/texts/rec-9999/3.1.2.1" not in html


def test_a_text_dashboard_shows_only_its_paragraphs(two_texts, client):
    html = client.get("/texts/rec-9999").get_data(as_text=True)
    assert "Recommendation 9999 (2025): implementation dashboard" in html
    assert 'href="/texts/rec-9999/3.1.2.1"' in html
    assert "Istanbul Convention" not in html
    assert 'href="/texts/res-2616"' in html  # the other text, listed
    filtered = client.get("/texts/rec-9999?addressee=Secretary General").get_data(as_text=True)
    assert 'href="/texts/rec-9999/4.1.1"' in filtered
    assert 'href="/texts/rec-9999/3.1"' not in filtered
    assert client.get("/texts/no-such-text").status_code == 404


def test_item_pages_live_under_their_text(two_texts, client):
    page = client.get("/texts/rec-9999/3.3")
    assert page.status_code == 200
    assert "report back to the Assembly by the end of 2026." in page.get_data(as_text=True)
    assert client.get("/texts/res-2616/3.1.2.1").status_code == 404
    assert client.get("/texts/rec-9999/13").status_code == 404
    assert client.get("/texts/doc-16245-draft-resolution/1").status_code == 404


@pytest.mark.parametrize("number", ["9.2.1", "1", "99"])
def test_old_item_links_redirect_permanently_to_resolution_2616(two_texts, client, number):
    response = client.get(f"/items/{number}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/texts/res-2616/{number}"


def test_the_default_text_is_a_setting(tmp_path):
    app = create_app(
        {
            "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "TRACKER_SECRET_KEY": TEST_SECRET,
            "TRACKER_DEFAULT_TEXT": "rec-9999",
        }
    )
    engine = app.extensions["db_engine"]
    upgrade_database(engine)
    with unit_of_work(engine) as session:
        seed_database(session, SEEDS, now=clock.now())
    app.test_cli_runner().invoke(args=["texts", "import", str(SAMPLE)])
    html = app.test_client().get("/").get_data(as_text=True)
    assert "Recommendation 9999 (2025): implementation dashboard" in html
    assert 'href="/texts/res-2616"' in html
    engine.dispose()


def test_a_monitor_changes_the_status_of_another_texts_paragraph(two_texts, client, login):
    login()
    form = client.get("/texts/rec-9999/3.3/status").get_data(as_text=True)
    assert 'action="/texts/rec-9999/3.3/status"' in form
    response = client.post(
        "/texts/rec-9999/3.3/status",
        data={
            "csrf_token": csrf_token(form),
            "version": "0",
            "status": "in_progress",
            "note": "The Committee of Ministers replied.",
            "evidence_url": "",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/texts/rec-9999/3.3"
    items = client.get("/api/v1/items?text=rec-9999").get_json()["items"]
    assert {i["number"]: i["status"] for i in items}["3.3"] == "in_progress"
    resolution = client.get("/api/v1/items?text=res-2616").get_json()["items"]
    assert {i["status"] for i in resolution} == {"not_assessed"}


def test_api_lists_texts_and_filters_items_by_text(two_texts, client):
    texts = client.get("/api/v1/texts").get_json()["texts"]
    assert {t["slug"]: t["reference"] for t in texts} == {
        "res-2616": "Resolution 2616 (2025)",
        "rec-9999": "Recommendation 9999 (2025)",
    }
    rec = next(t for t in texts if t["slug"] == "rec-9999")
    assert rec["items_url"] == "https://tracker.example.org/api/v1/items?text=rec-9999"
    items = client.get("/api/v1/items?text=rec-9999").get_json()["items"]
    assert len(items) == 16 and {i["text_slug"] for i in items} == {"rec-9999"}
    assert items[0]["url"] == "https://tracker.example.org/texts/rec-9999/1"
    every = client.get("/api/v1/items").get_json()["items"]
    assert len(every) == 28 + 16
    assert client.get("/api/v1/items?text=nope").status_code == 404
    one = client.get("/api/v1/items/3.3?text=rec-9999").get_json()
    assert one["text"] == "report back to the Assembly by the end of 2026."
    assert client.get("/api/v1/items/9.2.1").get_json()["text_slug"] == "res-2616"


def test_the_migration_renames_the_seeded_slug(tmp_path):
    app = create_app(
        {
            "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "TRACKER_SECRET_KEY": TEST_SECRET,
        }
    )
    engine = app.extensions["db_engine"]
    upgrade_database(engine, "0008")
    with engine.begin() as connection:
        connection.execute(
            sql(
                "INSERT INTO document (slug, kind, reference, title, dated, source, seed_file,"
                " text_sha256, loaded_at) VALUES ('resolution-2616', 'resolution', 'R', 'T',"
                " '2025-09-30', 'S', 'f', 'x', '2025-10-01 00:00:00.000000')"
            )
        )
    upgrade_database(engine)
    with engine.connect() as connection:
        assert connection.execute(sql("SELECT slug FROM document")).scalar_one() == "res-2616"
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    with engine.connect() as connection:
        assert (
            connection.execute(sql("SELECT slug FROM document")).scalar_one() == "resolution-2616"
        )
    engine.dispose()
