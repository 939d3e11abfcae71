"""Hostile requests against the real app: methods, redirects, numbers; exact status, no change.

Every test compares a snapshot of what the database holds before and after the requests.
"""

import itertools

import pytest
from sqlmodel import Session, select

from tests.conftest import PASSWORD, TEST_SECRET, csrf_token
from tests.hostile_helpers import links_of, snapshot
from tests.test_web import status_form
from tracker.mail.tokens import make_token
from tracker.models import User

# --- 2. Safe methods change nothing; other methods get 405 with Allow --------------------------


def test_head_and_get_on_one_click_links_change_nothing(app, client, engine, reader, make_user):
    make_user()
    with Session(engine) as db:
        user = db.exec(select(User)).one()
    alerts = "/account/alerts/" + make_token(
        TEST_SECRET, purpose="monitor-alerts", subscriber_id=user.id, email=user.email
    )
    unsubscribe = links_of(app, reader)["unsubscribe_url"]
    before = snapshot(engine)
    for url in (unsubscribe, alerts, links_of(app, reader)["manage_url"]):
        assert client.head(url).status_code == 200, url
        assert client.get(url).status_code == 200, url
    assert snapshot(engine) == before
    # The one-click POST still works without cookie or form token (RFC 8058).
    assert app.test_client().post(unsubscribe).status_code == 200
    assert app.test_client().post(alerts).status_code == 200
    after = snapshot(engine)
    assert after["subscribers"] == [] and after["users"][0][3] is False


ALLOWED = dict(
    [
        ("/", {"GET", "HEAD", "OPTIONS"}),
        ("/login", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/logout", {"POST", "OPTIONS"}),
        ("/items/9.2.1/status", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/api/v1/events", {"GET", "HEAD", "OPTIONS"}),
        ("/unsubscribe/x", {"GET", "HEAD", "POST", "OPTIONS"}),
    ]
)


def test_other_methods_get_405_with_allow(client, engine):
    before = snapshot(engine)
    for url, allowed in ALLOWED.items():
        for method in ("PUT", "DELETE", "PATCH"):
            response = client.open(url, method=method)
            assert response.status_code == 405, (method, url)
            assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed
    assert snapshot(engine) == before


# --- 3. Redirects stay on this site ---------------------------------------------------------

OFF_SITE = [
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\nLocation: https://evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "\\\\evil.example",
    " //evil.example",
    "/\x00/evil.example",
    "/\u3000/evil.example",
    "http:/evil.example",
    "x" * 3000,
]


def test_next_never_leaves_the_site(client, make_user):
    make_user()
    for target in OFF_SITE:
        page = client.get("/login", query_string={"next": target})
        assert page.status_code == (400 if "\x00" in target else 200), target
        assert "evil" not in page.get_data(as_text=True), target
        # Each login starts a fresh session, so each attempt takes a fresh form token.
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login",
            query_string={"next": target},
            data={"email": "monitor@example.org", "password": PASSWORD, "csrf_token": token},
        )
        if "\x00" in target:  # a NUL anywhere is refused before anything happens
            assert response.status_code == 400, target
        else:
            assert response.status_code == 302 and response.headers["Location"] == "/", target


def test_a_local_next_is_kept(client, make_user):
    make_user()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=/items/9.2.1/status?x=1",
        data={"email": "monitor@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/items/9.2.1/status?x=1"


# --- 4. Numbers and identifiers are bounded -------------------------------------------------

BAD_NUMBERS = [
    "²",
    "٣",
    "-1",
    "0",
    "1.5",
    "1e3",
    " 1",
    "1_000",
    "0x10",
    "2147483648",
    "99999999999999999999999",
    "9223372036854775808",
    "",
    "NaN",
]


@pytest.mark.postgres
def test_bad_pages_and_cursors_are_400_with_a_message(client, login, engine):
    login("admin@example.org", role="admin")
    before = snapshot(engine)
    for value, (url, field) in itertools.product(
        BAD_NUMBERS,
        (
            ("/changes", "page"),
            ("/texts/res-2616/9.2.1", "page"),
            ("/admin/outbox", "page"),
            ("/api/v1/events", "after"),
            ("/api/v1/events", "limit"),
        ),
    ):
        if value == "0" and field == "after":
            continue  # after=0 is the start of the log
        response = client.get(url, query_string={field: value})
        assert response.status_code == 400, (url, field, value, response.status_code)
        body = response.get_data(as_text=True)
        assert field in body and "whole number" in body, (url, field)
    assert snapshot(engine) == before


BAD_PATHS = [
    "/evidence/2147483648",
    "/evidence/99999999999999999999999",
    "/evidence/٣",
    "/evidence/²",
    "/evidence/-1",
    "/evidence/0",
    "/treaties/" + "x" * 500,
    "/api/v1/items/" + "9" * 300,
    "/texts/res-2616/" + "²",
]


@pytest.mark.postgres
def test_out_of_range_ids_in_paths_are_404(client, engine):
    before = snapshot(engine)
    for url in BAD_PATHS:
        assert client.get(url).status_code == 404, url
    assert client.get("/items/9.2.1%00").status_code == 400
    for token in ("9999999999.AAAAAAAAAAAAAAAA", "٣.AAAAAAAAAAAAAAAA", "x" * 600):
        assert client.get(f"/unsubscribe/{token}").status_code == 400, token
        assert client.post(f"/unsubscribe/{token}").status_code == 400, token
        assert client.get(f"/account/alerts/{token}").status_code == 400, token
    assert snapshot(engine) == before


@pytest.mark.postgres
def test_admin_posts_with_huge_ids_are_404(client, login, engine):
    login("admin@example.org", role="admin")
    token = csrf_token(client.get("/admin/users").get_data(as_text=True))
    before = snapshot(engine)
    values = ["2147483648", "-1", "99999999999999999999", "٣", "²", "x", "0"]
    for value, action in itertools.product(values, ("active", "name")):
        response = client.post(
            f"/admin/users/{value}/{action}", data={"csrf_token": token, "display_name": "X"}
        )
        assert response.status_code == 404
    assert snapshot(engine) == before


@pytest.mark.postgres
def test_a_damaged_version_is_refused(client, login, engine):
    login()
    form = status_form(client)
    before = snapshot(engine)
    for version in ["²", "٣", "-1", "2147483648", "9" * 40, "", "1 ", "0x1"]:
        response = client.post(
            "/items/9.2.1/status",
            data=form | {"status": "in_progress", "note": "n", "version": version},
        )
        assert response.status_code == 400, version
    assert snapshot(engine) == before
