"""Hostile text against the real app: NUL, controls, bidi, sizes, feeds, addresses.

Every test compares a snapshot of what the database holds before and after the requests.
"""

import pytest
from sqlmodel import select

from tests.conftest import PASSWORD, csrf_token
from tests.hostile_helpers import snapshot
from tests.test_web import status_form
from tracker import clock
from tracker.db import unit_of_work
from tracker.mail.preferences import Preferences
from tracker.mail.subscriptions import start_subscription
from tracker.models import Event, StatusChange

# --- 5. Text is clean -----------------------------------------------------------------------


NUL_REQUESTS = [
    ("GET", "/?q=a%00b", None),
    ("GET", "/?status=%00", None),
    ("GET", "/items/9.2.1%00", None),
    ("GET", "/login?next=/%00", None),
    ("GET", "/api/v1/events?after=1%00", None),
    ("POST", "/login", {"email": "monitor@example.org\x00", "password": "x"}),
    ("POST", "/login", {"email": "a@example.org", "password": "pass\x00word"}),
    ("POST", "/subscribe", {"email": "new\x00@example.org", "frequency": "daily"}),
    ("POST", "/subscriptions/link", {"email": "new\x00@example.org"}),
    ("POST", "/items/9.2.1/status", {"status": "in_progress", "note": "a\x00b"}),
    ("POST", "/account/name", {"display_name": "A\x00B"}),
    ("POST", "/account/password", {"current": "x\x00", "new": "y" * 20}),
]


@pytest.mark.postgres
@pytest.mark.parametrize("logged_in", [False, True])
def test_nul_is_refused_everywhere_with_a_message(app, client, login, engine, logged_in):
    if logged_in:
        login()
    else:
        from tracker.users import create_user

        with unit_of_work(engine) as db:
            create_user(db, email="monitor@example.org", password=PASSWORD, role="monitor")
    before = snapshot(engine)
    token = csrf_token(client.get("/subscribe").get_data(as_text=True))
    for method, url, fields in NUL_REQUESTS:
        data = None if fields is None else fields | {"csrf_token": token, "version": "0"}
        response = client.open(url, method=method, data=data)
        assert response.status_code == 400, (url, response.get_data(as_text=True)[:300])
        assert "NUL" in response.get_data(as_text=True), url
        # The next request of this client works (no aborted transaction left behind).
        assert client.get("/").status_code == 200
    assert snapshot(engine) == before


BAD_NAMES = [
    "a\x01b",
    "a\x1bb",
    "a\x7fb",
    "a\x85b",
    "x\u202ey",
    "x\u2066y",
    "x\u200fy",
    "x\u061cy", "x\u200by", "x\ufeffy",
    "a\nb",
    "a\rb",
    "@",
    "a\uff20b",
    "x" * 61,
]


def test_controls_and_bidi_are_refused_in_names(client, login, engine):
    login()
    before = snapshot(engine)
    token = csrf_token(client.get("/account").get_data(as_text=True))
    for name in BAD_NAMES:
        response = client.post("/account/name", data={"display_name": name, "csrf_token": token})
        assert response.status_code == 400, name
    assert snapshot(engine) == before


def test_controls_and_bidi_are_stripped_from_notes(client, login, session):
    login()
    form = status_form(client)
    response = client.post(
        "/items/9.2.1/status",
        data=form | {"status": "in_progress", "note": "Bill\x01 \u202etabled\x1b\r\nline two\t!"},
    )
    assert response.status_code == 302
    change = session.exec(select(StatusChange)).one()
    assert change.note == "Bill tabled\nline two\t!"
    event = session.get(Event, change.event_id)
    assert event.payload["note"] == change.note


BAD_EVIDENCE = [
    "https://x.example/\x01",
    "https://x.example/\u202e",
    "javascript:alert(1)",
    "https://x.example/a b",
    "https://" + "x" * 2100 + ".example",
    "https://x.example/\x85x",
]


def test_a_bad_evidence_link_is_refused(client, login, engine):
    login()
    form = status_form(client)
    before = snapshot(engine)
    for url in BAD_EVIDENCE:
        response = client.post(
            "/items/9.2.1/status",
            data=form | {"status": "in_progress", "note": "n", "evidence_url": url},
        )
        assert response.status_code == 400, url
    assert snapshot(engine) == before


def test_the_feed_stays_well_formed_whatever_an_old_note_holds(app, client, engine):
    from xml.etree import ElementTree

    from tracker.events import append_event

    with unit_of_work(engine) as db:
        append_event(
            db,
            kind="item_status_changed",
            summary="§1: <b>&amp;</b> \x0b\x1f\ufffe",
            actor="treaty\x01 poll",
            now=clock.now(),
            payload={"item": "1", "note": "]]> \x00\x08 <script>", "evidence_url": "\x0c"},
        )
    body = client.get("/changes.atom").get_data()
    root = ElementTree.fromstring(body)  # raises on anything not well-formed
    content = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content")
    assert "<script>" in content.text and "]]>" in content.text


def test_request_bodies_and_fields_have_size_limits(client, login, engine):
    login()
    before = snapshot(engine)
    form = status_form(client)
    huge = client.post(
        "/items/9.2.1/status", data=form | {"status": "in_progress", "note": "x" * 1_100_000}
    )
    assert huge.status_code == 413
    long_note = client.post(
        "/items/9.2.1/status", data=form | {"status": "in_progress", "note": "x" * 5001}
    )
    assert long_note.status_code == 400
    assert client.get("/", query_string={"q": "x" * 201}).status_code == 400
    assert snapshot(engine) == before


# --- 6. Addresses are addresses -------------------------------------------------------------

HOSTILE_ADDRESSES = [
    "Reader <reader@example.org>",
    '"reader"@example.org',
    '"a\\\x01b"@example.org',
    "reader(comment)@example.org",
    "reader@example.org\r\nBcc: victim@example.org",
    "reader@example.org, victim@example.org",
    "reader@[127.0.0.1]",
    "reader@localhost",
    "reader@example",
    "reader\u202e@example.org",
    "rëader@example.org",
    "reader@@example.org",
    ".reader@example.org",
    "reader" + "x" * 250 + "@example.org",
    "reader@" + "x" * 64 + ".org",
    "reader@example.org\x00",
]


def test_subscribe_refuses_what_a_mail_system_would_not_take(app, engine):
    client = app.test_client()
    before = snapshot(engine)
    token = csrf_token(client.get("/subscribe").get_data(as_text=True))
    for address in HOSTILE_ADDRESSES:
        for url in ("/subscribe", "/subscriptions/link"):
            response = client.post(
                url,
                data={
                    "email": address,
                    "frequency": "daily",
                    "scope": "everything",
                    "csrf_token": token,
                },
            )
            assert response.status_code == 400, (url, address)
    assert snapshot(engine) == before


def test_admins_cannot_add_users_with_such_addresses(client, login, engine):
    login("admin@example.org", role="admin")
    before = snapshot(engine)
    token = csrf_token(client.get("/admin/users").get_data(as_text=True))
    for address in HOSTILE_ADDRESSES:
        response = client.post(
            "/admin/users",
            data={"email": address, "password": PASSWORD, "role": "monitor", "csrf_token": token},
        )
        assert response.status_code == 400, address
    assert snapshot(engine) == before


def test_addresses_are_normalised_so_case_variants_are_one(app, engine, reader):
    with unit_of_work(engine) as db:
        again, confirmed = start_subscription(
            db, email="  Reader@EXAMPLE.org ", wanted=Preferences("weekly", True), now=clock.now()
        )
    assert confirmed and again.id == reader.id
    assert snapshot(engine)["subscribers"] == [("reader@example.org", "daily", False, True)]


@pytest.mark.postgres
def test_the_error_page_after_a_database_error_works_for_a_logged_in_user(app, client, login):
    def failing_statement():
        from flask import g
        from sqlalchemy import text

        from tracker.db import get_session

        # As after a failed flush: the user's row must be read again, in an aborted transaction.
        get_session().expire(g.user)
        get_session().execute(text("SELECT 1 / 0"))

    app.add_url_rule("/fails-in-the-database", view_func=failing_statement)
    login()
    response = client.get("/fails-in-the-database")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong" in html
    assert "Log out Monitor 1" in html  # the page still reads the logged-in user
