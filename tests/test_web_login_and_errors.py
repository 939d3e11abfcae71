"""Login, sessions, security headers, the admin page and error pages, against the real app."""

import re

import pytest

from tests.conftest import PASSWORD, csrf_token
from tests.test_web import (
    status_form,
    submit_change,
)
from tracker import clock


@pytest.mark.postgres
def test_second_editor_gets_a_conflict_sees_the_change_and_keeps_the_note(app, client, login):
    second = app.test_client()
    login("first@example.org")
    login("second@example.org", on=second)
    stale_form = status_form(second)
    assert submit_change(client, status="in_progress", note="First note").status_code == 302
    response = second.post(
        "/items/9.2.1/status", data=stale_form | {"status": "implemented", "note": "My second note"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "was changed by someone else" in html
    assert "First note" in html and "by Monitor 1" in html and "first@example.org" not in html
    assert "My second note" in html
    # The form now carries the version the monitor has seen: resubmitting records the change.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert version == "1"
    again = second.post(
        "/items/9.2.1/status",
        data={
            "csrf_token": stale_form["csrf_token"],
            "version": version,
            "status": "implemented",
            "note": "My second note",
        },
    )
    assert again.status_code == 302
    history = client.get("/api/v1/items/9.2.1").get_json()["history"]
    assert [h["note"] for h in history] == ["My second note", "First note"]


@pytest.mark.postgres
def test_failed_logins_slow_the_account_down_but_never_lock_the_owner_out(client, make_user):
    from datetime import timedelta


    make_user()
    token = csrf_token(client.get("/login").get_data(as_text=True))

    def attempt(password: str, at):
        with clock.frozen_at(at):
            return client.post(
                "/login",
                data={"email": "monitor@example.org", "password": password, "csrf_token": token},
            )

    start = clock.now()
    for n in range(5):
        assert attempt("wrong", start + timedelta(seconds=n)).status_code == 401
    # After the 5 free failures each wait doubles: 1 s, then 2 s after the sixth failure.
    throttled = attempt(PASSWORD, start + timedelta(seconds=4.5))
    assert throttled.status_code == 429 and "Too many failed attempts" in throttled.get_data(
        as_text=True
    )
    assert throttled.headers["Retry-After"] == "1"
    assert attempt("wrong", start + timedelta(seconds=5)).status_code == 401
    assert attempt(PASSWORD, start + timedelta(seconds=6.5)).status_code == 429
    # The owner, waiting out the (short) delay, gets in even though the attacker kept trying.
    assert attempt(PASSWORD, start + timedelta(seconds=7)).status_code == 302


def test_the_login_delay_grows_and_is_capped():
    from tracker.users import MAX_LOGIN_DELAY_SECONDS, account_delay

    delays = [account_delay(n, free=5).total_seconds() for n in range(4, 14)]
    assert delays == [0, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert MAX_LOGIN_DELAY_SECONDS == 60


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client, make_user, target):
    make_user()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        f"/login?next={target}",
        data={"email": "monitor@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_session_cookie_and_security_headers(client, login):
    login()
    response = client.get("/")
    cookie = client.get_cookie("tracker_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in response.get_data(as_text=True)


def test_logout_needs_a_post_with_token(client, login):
    login()
    assert client.get("/logout").status_code == 405
    token = csrf_token(client.get("/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/items/9.2.1/status").status_code == 302


def test_admin_page_is_for_admins_and_adds_users(client, login):
    login("monitor@example.org")
    assert client.get("/admin/users").status_code == 403
    admin = client.application.test_client()
    login("admin@example.org", "admin", on=admin)
    html = admin.get("/admin/users").get_data(as_text=True)
    token = csrf_token(html)
    short = admin.post(
        "/admin/users",
        data={
            "email": "new@example.org",
            "password": "short",
            "role": "monitor",
            "csrf_token": token,
        },
    )
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    added = admin.post(
        "/admin/users",
        data={
            "email": "new@example.org",
            "password": PASSWORD,
            "role": "monitor",
            "csrf_token": token,
        },
    )
    assert added.status_code == 302
    assert "new@example.org" in admin.get("/admin/users").get_data(as_text=True)
    duplicate = admin.post(
        "/admin/users",
        data={
            "email": "NEW@example.org",
            "password": PASSWORD,
            "role": "monitor",
            "csrf_token": token,
        },
    )
    assert duplicate.status_code == 400 and "exists already" in duplicate.get_data(as_text=True)


def test_friendly_404_and_json_404(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/items/77")
    assert api.status_code == 404 and api.get_json() == {
        "error": "There is no page at this address."
    }


def test_friendly_500_page(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
