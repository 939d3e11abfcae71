"""Hostile use of sessions, Host headers, history and tokens against the real app.

Every test compares what the database holds before and after, or checks what must end.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from tests.conftest import PASSWORD, TEST_SECRET, csrf_token
from tests.hostile_helpers import links_of, snapshot
from tests.test_web import status_form
from tracker import clock
from tracker.db import unit_of_work
from tracker.models import StatusChange, Subscriber, User

# --- 7. Sessions end when they should -------------------------------------------------------


def _cookie(client) -> str:
    return client.get_cookie("tracker_session").value


def _copy_with(app, cookie: str):
    other = app.test_client()
    other.set_cookie("tracker_session", cookie)
    return other


def test_logout_ends_a_copied_session(app, client, login):
    login()
    stolen = _copy_with(app, _cookie(client))
    assert stolen.get("/account").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert stolen.get("/account").status_code == 302


def test_disabling_a_user_ends_their_sessions(app, client, login, session):
    login()
    stolen = _cookie(client)
    monitor = _copy_with(app, stolen)
    admin = app.test_client()
    login("admin@example.org", role="admin", on=admin)
    user = session.exec(select(User).where(User.email == "monitor@example.org")).one()
    page = admin.get("/admin/users").get_data(as_text=True)
    admin.post(f"/admin/users/{user.id}/active", data={"csrf_token": csrf_token(page)})
    assert monitor.get("/account").status_code == 302
    # Enabling again does not bring the old session (a cookie kept aside) back.
    admin.post(f"/admin/users/{user.id}/active", data={"csrf_token": csrf_token(page)})
    assert _copy_with(app, stolen).get("/account").status_code == 302


def test_a_password_change_ends_other_sessions_but_not_this_one(app, client, login):
    login()
    other = _copy_with(app, _cookie(client))
    page = client.get("/account").get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "another-long-password", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    wrong = client.post(
        "/account/password",
        data={
            "current": "nope",
            "new": "x" * 20,
            "csrf_token": csrf_token(client.get("/account").get_data(as_text=True)),
        },
    )
    assert wrong.status_code == 400 and "current password" in wrong.get_data(as_text=True)


@pytest.mark.postgres
def test_a_forged_session_user_id_is_ignored(app, client, login):
    login()
    with client.session_transaction() as flask_session:
        flask_session["user_id"] = 2**40
    assert client.get("/account").status_code == 302


def test_cookie_flags_and_no_store_on_personal_pages(app, client, login, reader):
    app.config["SESSION_COOKIE_SECURE"] = True  # what TRACKER_SESSION_COOKIE_SECURE=true sets
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    from tracker.users import create_user

    with unit_of_work(app.extensions["db_engine"]) as db:
        create_user(db, email="monitor@example.org", password=PASSWORD, role="monitor")
    response = client.post(
        "/login", data={"email": "monitor@example.org", "password": PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    anonymous = app.test_client()
    for url in (links_of(app, reader)["manage_url"], links_of(app, reader)["unsubscribe_url"]):
        assert "no-store" in anonymous.get(url).headers["Cache-Control"], url
    assert "no-store" in client.get("/account").headers["Cache-Control"]


# --- 8. Links can't be bent by the Host header ----------------------------------------------


def test_a_forged_host_bends_no_link(client, login):
    login()
    assert (
        client.post(
            "/items/9.2.1/status", data=status_form(client) | {"status": "in_progress", "note": "n"}
        ).status_code
        == 302
    )
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    for url in ("/changes.atom", "/api/v1/items", "/api/v1/items/9.2.1", "/changes", "/"):
        body = client.get(url, headers=forged).get_data(as_text=True)
        assert "evil.example" not in body, url
    atom = client.get("/changes.atom", headers=forged).get_data(as_text=True)
    assert "<id>https://tracker.example.org/changes#event-" in atom
    api = client.get("/api/v1/items/9.2.1", headers=forged).get_json()
    assert api["url"] == "https://tracker.example.org/texts/res-2616/9.2.1"


# --- 9. History is append-only for real -----------------------------------------------------


@pytest.mark.postgres
def test_history_refuses_replace_and_truncate(client, login, engine):
    login()
    assert (
        client.post(
            "/items/9.2.1/status", data=status_form(client) | {"status": "in_progress", "note": "n"}
        ).status_code
        == 302
    )
    before = snapshot(engine)
    with Session(engine) as db:
        change = db.exec(select(StatusChange)).one()
    if engine.dialect.name == "sqlite":
        attacks = [
            f"REPLACE INTO event (id, kind, occurred_at, actor, summary, payload) "
            f"VALUES ({change.event_id}, 'x', '2026-01-01 00:00:00', 'x', 'x', '{{}}')",
            f"INSERT OR REPLACE INTO statuschange (id, item_id, event_id, from_status, "
            f"to_status, changed_at, actor, note) VALUES ({change.id}, {change.item_id}, "
            f"{change.event_id}, 'a', 'b', '2026-01-01 00:00:00', 'x', 'x')",
            f"INSERT OR REPLACE INTO statuschange (id, item_id, event_id, from_status, "
            f"to_status, changed_at, actor, note) VALUES (99, {change.item_id}, "
            f"{change.event_id}, 'a', 'b', '2026-01-01 00:00:00', 'x', 'x')",
        ]
    else:
        # CASCADE would take the referencing tables along; their triggers refuse as well.
        attacks = ["TRUNCATE statuschange", "TRUNCATE event CASCADE"]
        attacks += ["TRUNCATE treatystatechange CASCADE", "TRUNCATE statuschange, event CASCADE"]
    for attack in attacks:
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text(attack))
    assert snapshot(engine) == before
    if engine.dialect.name == "sqlite":
        # Even a connection without the recursive_triggers pragma (the sqlite3 shell) is refused.
        import sqlite3

        raw = sqlite3.connect(engine.url.database)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute(attacks[0])
        raw.close()
        # And the app's connections refuse it even without the guard trigger (recursive_triggers).
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text("DROP TRIGGER event_no_replace"))
            connection.execute(text(attacks[0]))
        assert snapshot(engine) == before


# --- 10. Tokens -----------------------------------------------------------------------------


def test_the_fingerprint_in_a_token_is_keyed(app, reader):
    import base64
    import hashlib
    import json

    token = links_of(app, reader)["manage_url"].rsplit("/", 1)[1]
    payload = token.split(".")[0]
    value = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    bare = hashlib.sha256(b"reader@example.org").hexdigest()[:24]
    assert bare not in json.dumps(value)  # a guessed address cannot be checked offline


def test_links_in_old_mails_keep_working(app, client, engine, reader):
    import hashlib

    from itsdangerous import URLSafeTimedSerializer

    legacy = URLSafeTimedSerializer(TEST_SECRET, salt="tracker-subscription-unsubscribe").dumps(
        [reader.id, hashlib.sha256(b"reader@example.org").hexdigest()[:24]]
    )
    assert client.get(f"/unsubscribe/{legacy}").status_code == 200
    forged = URLSafeTimedSerializer(TEST_SECRET, salt="tracker-subscription-unsubscribe").dumps(
        [reader.id, hashlib.sha256(b"someone@example.org").hexdigest()[:24]]
    )
    assert client.post(f"/unsubscribe/{forged}").status_code == 400
    assert snapshot(engine)["subscribers"]
    assert client.post(f"/unsubscribe/{legacy}").status_code == 200
    assert snapshot(engine)["subscribers"] == []


def test_someone_else_cannot_overwrite_an_unconfirmed_subscription(app, engine):
    first, second = app.test_client(), app.test_client()

    def subscribe(browser, **fields):
        page = browser.get("/subscribe").get_data(as_text=True)
        return browser.post(
            "/subscribe",
            data={"email": "new@example.org", "frequency": "daily", "csrf_token": csrf_token(page)}
            | fields,
        )

    start = clock.now()
    with clock.frozen_at(start):
        assert subscribe(first, scope="chosen", items=["res-2616:9.2.1"]).status_code == 200
    with clock.frozen_at(start + timedelta(minutes=20)):
        assert subscribe(second, scope="everything", frequency="immediate").status_code == 200
    with Session(engine) as db:
        subscriber = db.exec(select(Subscriber)).one()
        assert (subscriber.frequency, subscriber.everything) == ("daily", False)
        confirmations = db.execute(
            text("SELECT count(*) FROM outboxmessage WHERE kind = 'confirm'")
        ).scalar_one()
    assert confirmations == 2  # a fresh confirmation for the address owner instead


def test_a_fresh_manage_link_by_address(app, engine, reader):
    client = app.test_client()
    page = client.get("/subscriptions/link").get_data(as_text=True)
    answer = client.post(
        "/subscriptions/link", data={"email": "READER@example.org", "csrf_token": csrf_token(page)}
    )
    unknown = client.post(
        "/subscriptions/link", data={"email": "nobody@example.org", "csrf_token": csrf_token(page)}
    )
    assert answer.status_code == unknown.status_code == 200
    assert re.sub(r"\s+", " ", answer.get_data(as_text=True)) == re.sub(
        r"\s+", " ", unknown.get_data(as_text=True)
    )
    with Session(engine) as db:
        notices = (
            db.execute(text("SELECT recipient FROM outboxmessage WHERE kind = 'notice'"))
            .scalars()
            .all()
        )
    assert notices == ["reader@example.org"]


def test_absolute_links_never_come_from_the_request(app):
    from pathlib import Path

    from tracker.web.request_guards import absolute_url

    with app.test_request_context("/", headers={"Host": "evil.example"}):
        evidence = absolute_url("treaties.evidence", response_id=3)
    assert evidence == "https://tracker.example.org/evidence/3"  # as stored in item history
    package = Path(__file__).resolve().parent.parent / "tracker"
    for source in [*package.rglob("*.py"), *package.rglob("*.html"), *package.rglob("*.xml")]:
        text_of_source = source.read_text(encoding="utf-8")
        for forbidden in ("_external=True", "request.host", "request.url_root"):
            assert forbidden not in text_of_source, (source, forbidden)
