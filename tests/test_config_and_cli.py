"""Start-up configuration errors, the seed command's idempotency and its conflict report."""

import shutil

import pytest
from sqlmodel import select

from tracker import clock, create_app
from tracker.cli import SEEDS_DIR
from tracker.config import ConfigError, load_settings
from tracker.db import unit_of_work
from tracker.models import Document, Item
from tracker.texts.seeding import seed_database


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TRACKER_DATABASE_URL": "mysql://x/y"}, "must be a sqlite:/// or postgresql://"),
        ({"TRACKER_DATABASE_URL": "postgresql://db/x"}, "TRACKER_SECRET_KEY must be set"),
        ({"TRACKER_SECRET_KEY": "short"}, "at least 16 characters"),
        ({"TRACKER_PAGE_SIZE": "ten"}, "TRACKER_PAGE_SIZE must be a whole number"),
        ({"TRACKER_LOGIN_MAX_FAILURES": "0"}, "must be at least 1"),
        ({"TRACKER_SESSION_COOKIE_SECURE": "maybe"}, "must be true or false"),
        ({"TRACKER_BASE_URL": "example.org"}, "must start with http"),
    ],
)
def test_bad_settings_stop_the_start_with_a_clear_error(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ, instance_path=tmp_path)


def test_defaults_are_an_embedded_sqlite_file_and_a_kept_secret(tmp_path):
    first = load_settings({}, instance_path=tmp_path)
    assert first.database_url == f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    assert load_settings({}, instance_path=tmp_path).secret_key == first.secret_key
    assert len(first.secret_key) >= 32
    url = load_settings(
        {"TRACKER_DATABASE_URL": "postgres://u@h/db", "TRACKER_SECRET_KEY": "x" * 20},
        instance_path=tmp_path,
    ).database_url
    assert url == "postgresql+psycopg://u@h/db"


@pytest.mark.postgres
def test_seed_is_idempotent_and_never_overwrites_a_changed_text(engine, tmp_path):
    with unit_of_work(engine) as db:
        again = seed_database(db, SEEDS_DIR, now=clock.now())
    assert (again.documents_created, again.items_created, again.items_unchanged) == (0, 0, 28)
    assert again.conflicts == []

    changed = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, changed)
    adopted = changed / "resolution-2616-adopted.md"
    adopted.write_text(
        adopted.read_text().replace("releasing 39 political", "releasing 40 political")
    )
    with unit_of_work(engine) as db:
        report = seed_database(db, changed, now=clock.now())
    assert report.items_created == 0
    assert any(
        "resolution-2616-adopted.md differs from the copy loaded" in c for c in report.conflicts
    )
    changed_5 = "§5: the text in resolution-2616-adopted.md differs from the stored text"
    assert changed_5 in report.conflicts
    with unit_of_work(engine) as db:
        item = db.exec(select(Item).where(Item.number == "5")).one()
        assert "releasing 39 political prisoners" in item.text
        assert len(db.exec(select(Document)).all()) == 2


def test_seeded_items_keep_parents_addressees_and_draft_differences(session):
    items = {item.number: item for item in session.exec(select(Item))}
    assert len(items) == 28
    assert items["9.2.1"].parent_id == items["9.2"].id and items["9.2"].parent_id == items["9"].id
    assert (items["9.2.1"].addressee, items["9.2.1"].verb) == (
        "Parliament of Kazakhstan",
        "encourages",
    )
    assert (items["11.4"].addressee, items["11.4"].verb) == ("authorities of Kazakhstan", "urges")
    amended = sorted(n for n, item in items.items() if item.difference == "amended")
    assert amended == ["13", "4", "5", "7"]
    assert items["13"].draft_text.endswith("adherence to the values of the Council of Europe.")


def test_cli_upgrade_seed_and_users_add(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "cli-secret-key-long-enough")
    app = create_app()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and "items created: 28" in first.output
    second = runner.invoke(args=["seed"])
    assert "items created: 0, unchanged: 28" in second.output
    added = runner.invoke(
        args=["users", "add", "Ana@Example.org", "--role", "admin"],
        input="a-long-enough-password\na-long-enough-password\n",
    )
    assert added.exit_code == 0 and "Added ana@example.org as admin, shown as “Monitor 1”" in (
        added.output
    )
    named = runner.invoke(
        args=["users", "add", "cy@example.org", "--name", "Cy of Almaty"],
        input="a-long-enough-password\na-long-enough-password\n",
    )
    assert named.exit_code == 0 and "shown as “Cy of Almaty”" in named.output
    for bad_name in ("cy@example.org", "Cy of Almaty", "\u202eevil"):
        taken = runner.invoke(
            args=["users", "add", "dee@example.org", "--name", bad_name],
            input="a-long-enough-password\na-long-enough-password\n",
        )
        assert taken.exit_code != 0, bad_name
    refused = runner.invoke(args=["users", "add", "bob@example.org"], input="short\nshort\n")
    assert refused.exit_code != 0 and "at least 12 characters" in refused.output
    app.extensions["db_engine"].dispose()


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(database_url, tmp_path):
    from flask import request

    app = create_app(
        {
            "TRACKER_DATABASE_URL": database_url,
            "TRACKER_SECRET_KEY": "proxy-secret-key-long-enough",
            "TRACKER_PROXY_HOPS": "1",
        }
    )
    app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    answer = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert answer.get_data(as_text=True) == "203.0.113.7"
    app.extensions["db_engine"].dispose()
    with pytest.raises(ConfigError, match="TRACKER_PROXY_HOPS"):
        load_settings({"TRACKER_PROXY_HOPS": "-1"}, instance_path=tmp_path)
