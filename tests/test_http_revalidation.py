"""Early 304s (tracker.web.revalidation): the app's own answer, and never where the app differs."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from tests.open_data_helpers import change_status, fetch
from tests.revalidation_helpers import ITEM, noted_app, reaching_the_app
from tracker import clock
from tracker.i18n import COOKIE
from tracker.models import JobRun
from tracker.web.caching import ANSWERED_304
from tracker.web.revalidation import Revalidator

pytest_plugins = ["tests.conftest_browser"]

ROOT = Path(__file__).resolve().parent.parent
# Another process records a status change, through the one writer, on the same database.
WRITER = """
import sys
from tests.open_data_helpers import change_status
from tracker.db import create_db_engine
engine = create_db_engine(sys.argv[1])
change_status(engine, "12.3", note="Written by another process")
engine.dispose()
"""


def learned(client, path: str, **headers: str) -> str:
    """Fetch a page, have the app answer its revalidation once, and return the ETag."""
    etag = client.get(path, headers=headers).headers["ETag"]
    by_app = client.get(path, headers={**headers, "If-None-Match": etag})
    assert by_app.status_code == 304
    return etag


@pytest.mark.parametrize(
    "path", ["/", ITEM, "/sources", "/api/v1/items", "/changes.atom", "/texts/res-2616"]
)
def test_the_next_revalidation_is_answered_before_the_app_with_the_apps_headers(app, client, path):
    calls = reaching_the_app(app)
    etag = client.get(path).headers["ETag"]
    by_app = client.get(path, headers={"If-None-Match": etag})
    early = client.get(path, headers={"If-None-Match": etag})
    head = client.head(path, headers={"If-None-Match": etag})
    # Several validators, the current one among them.
    listed = client.get(path, headers={"If-None-Match": f'W/"older", {etag}'})
    assert calls == [path, path]  # the 200 and the first 304; the others never reached the app
    for answer in (early, head, listed):
        assert answer.status_code == 304 and answer.data == b""
        assert list(answer.headers.items()) == list(by_app.headers.items())
    assert by_app.status == early.status == "304 NOT MODIFIED"


@pytest.mark.parametrize("path", ["/", "/api/v1/items"])
def test_on_the_wire_the_early_304_has_the_headers_of_the_apps(app, live_server, path):
    calls = reaching_the_app(app)
    etag = fetch(live_server + path).headers["ETag"]
    by_app = fetch(live_server + path, {"If-None-Match": etag})
    early = fetch(live_server + path, {"If-None-Match": etag})
    assert by_app.status == early.status == 304 and len(calls) == 2

    def sent(answer):
        return [(name, value) for name, value in answer.headers.items() if name != "Date"]

    assert sent(early) == sent(by_app) and early.body == b""


@pytest.mark.postgres
@pytest.mark.parametrize("writer", ["another process", "the app's own engine"])
def test_a_write_ends_the_early_answers(app, engine, client, database_url, writer):
    calls = reaching_the_app(app)
    etag = learned(client, "/")
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
    assert len(calls) == 2  # answered early
    if writer == "another process":
        subprocess.run([sys.executable, "-c", WRITER, database_url], cwd=ROOT, check=True)
    else:
        change_status(engine, "12.3", note="Written by another process")
    after = client.get("/", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert "Written by another process" in after.text
    # The new state is learned in its turn.
    newer = learned(client, "/")
    assert newer == after.headers["ETag"]
    calls.clear()
    assert client.get("/", headers={"If-None-Match": newer}).status_code == 304 and not calls


def test_the_sources_page_follows_job_runs_early_too(app, engine, client):
    calls = reaching_the_app(app)
    etag = learned(client, "/sources")
    calls.clear()
    assert client.get("/sources", headers={"If-None-Match": etag}).status_code == 304
    assert not calls
    with Session(engine) as session:
        session.add(JobRun(job_id="send-mail", started_at=clock.now(), runner="test"))
        session.commit()
    assert client.get("/sources", headers={"If-None-Match": etag}).status_code == 200


def test_a_logged_in_visitor_is_never_answered_early(app, client, login):
    etag = learned(client, ITEM)
    login()
    page = client.get(ITEM, headers={"If-None-Match": etag})
    assert page.status_code == 200 and "Log out" in page.text
    assert page.headers["Cache-Control"] == "private, no-store" and "ETag" not in page.headers


def test_a_flashed_message_is_never_hidden_by_an_early_304(app, client):
    etag = learned(client, "/")
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Saved.")]
    page = client.get("/", headers={"If-None-Match": etag})
    assert page.status_code == 200 and "Saved." in page.text


def test_languages_are_never_mixed(app, client):
    calls = reaching_the_app(app)
    english = learned(client, "/")
    french = client.get("/", headers={"If-None-Match": english, "Accept-Language": "fr"})
    assert french.status_code == 200 and french.headers["ETag"] != english
    assert "tableau de bord" in french.text
    # The French page is answered early in its turn, and only for French.
    learned(client, "/", **{"Accept-Language": "fr"})
    calls.clear()
    again = client.get(
        "/", headers={"If-None-Match": french.headers["ETag"], "Accept-Language": "fr"}
    )
    assert again.status_code == 304 and not calls
    # The switcher's cookie wins over the header, and is not the session cookie: early too.
    client.set_cookie(COOKIE, "ru")
    russian = client.get("/", headers={"If-None-Match": english})
    assert russian.status_code == 200 and 'lang="ru"' in russian.text
    learned(client, "/")
    calls.clear()
    assert client.get("/", headers={"If-None-Match": russian.headers["ETag"]}).status_code == 304
    assert not calls


def test_a_query_string_goes_to_the_app(app, client):
    etag = learned(client, "/")
    filtered = client.get("/?status=in_progress", headers={"If-None-Match": etag})
    assert filtered.status_code == 200 and filtered.headers["ETag"] != etag


def test_only_gets_and_heads_are_answered_early(app, client):
    etag = learned(client, ITEM)
    assert client.post(ITEM, headers={"If-None-Match": etag}).status_code in {400, 405}


def test_another_validator_gets_the_page(app, client):
    etag = learned(client, "/")
    page = client.get("/", headers={"If-None-Match": 'W/"an-older-one"'})
    assert page.status_code == 200 and page.headers["ETag"] == etag


def test_a_new_day_is_a_new_etag(app, client):
    today = clock.now()
    with clock.frozen_at(today):
        etag = learned(client, "/")
        assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
    with clock.frozen_at(today + timedelta(days=1)):
        assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_a_database_error_in_the_middleware_leaves_the_answer_to_the_app(app, client, monkeypatch):
    calls = reaching_the_app(app)
    etag = learned(client, "/")

    def unreachable(*args, **kwargs):
        raise OperationalError("PRAGMA data_version", {}, Exception("disk I/O error"))

    monkeypatch.setattr("tracker.web.revalidation.standing_state", unreachable)
    monkeypatch.setattr("tracker.web.revalidation.connection_state", unreachable)
    calls.clear()
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
    assert calls == ["/"]


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        ("304 NOT MODIFIED", [("Set-Cookie", "tracker_session=x; HttpOnly")]),
        ("304 NOT MODIFIED", None),
        # An after_request hook that fails turns the noted 304 into an error page.
        ("500 INTERNAL SERVER ERROR", []),
    ],
    ids=["sets a cookie", "without its ETag", "not a 304"],
)
def test_only_a_clean_304_with_its_etag_is_kept(app, client, status, extra):
    etag = client.get("/").headers["ETag"]
    headers = [("Cache-Control", "public, no-cache")]
    headers += [] if extra is None else [("ETag", etag), *extra]
    inner = noted_app(ANSWERED_304, status, headers, etag=etag[3:-1])
    app.wsgi_app = Revalidator(app, inner)
    forgetful = app.test_client(use_cookies=False)  # as curl: a cookie set is not sent back
    for _ in range(2):
        assert forgetful.get("/", headers={"If-None-Match": etag}).status == status
    assert inner.calls == 2
    # The same answer as a 304, without the cookie and with its ETag, is kept.
    clean = noted_app(
        ANSWERED_304,
        "304 NOT MODIFIED",
        [("Cache-Control", "public, no-cache"), ("ETag", etag)],
        etag=etag[3:-1],
    )
    app.wsgi_app = Revalidator(app, clean)
    for _ in range(2):
        assert forgetful.get("/", headers={"If-None-Match": etag}).status_code == 304
    assert clean.calls == 1
