"""Public pages sent again before Flask as the app sent them, while their ETag holds."""

import pytest

from tests.open_data_helpers import change_status, fetch
from tests.revalidation_helpers import ITEM, noted_app, reaching_the_app
from tracker.i18n import COOKIE
from tracker.web.caching import ANSWERED_PAGE
from tracker.web.revalidation import Revalidator

pytest_plugins = ["tests.conftest_browser"]


@pytest.mark.parametrize("path", ["/", ITEM, "/api/v1/items", "/changes.atom"])
def test_the_next_get_of_a_public_page_gets_it_as_the_app_sent_it(app, client, path):
    calls = reaching_the_app(app)
    first = client.get(path)
    again = client.get(path)
    head = client.head(path)
    stale = client.get(path, headers={"If-None-Match": 'W/"an-older-one"'})
    assert calls == [path]  # the others never reached the app
    for answer in (again, head, stale):
        assert answer.status == first.status == "200 OK"
        assert list(answer.headers.items()) == list(first.headers.items())
    assert again.data == stale.data == first.data and head.data == b""


def test_on_the_wire_the_kept_page_is_the_apps(app, live_server):
    calls = reaching_the_app(app)
    first, again = fetch(live_server + ITEM), fetch(live_server + ITEM)
    assert len(calls) == 1 and again.body == first.body

    def sent(answer):
        return [(name, value) for name, value in answer.headers.items() if name != "Date"]

    assert again.status == 200 and sent(again) == sent(first)


@pytest.mark.postgres
def test_a_write_ends_the_kept_page(app, engine, client):
    calls = reaching_the_app(app)
    first = client.get("/")
    assert client.get("/").data == first.data and len(calls) == 1
    change_status(engine, "12.3", note="Written since the page was kept")
    after = client.get("/")
    assert after.headers["ETag"] != first.headers["ETag"] and len(calls) == 2
    assert "Written since the page was kept" in after.text


def test_a_kept_page_goes_to_no_other_language_nor_a_logged_in_visitor(app, client, login):
    calls = reaching_the_app(app)
    english = client.get(ITEM)
    french = client.get(ITEM, headers={"Accept-Language": "fr"})
    assert 'lang="fr"' in french.text and french.headers["ETag"] != english.headers["ETag"]
    client.set_cookie(COOKIE, "ru")
    assert 'lang="ru"' in client.get(ITEM).text
    client.delete_cookie(COOKIE)
    assert len(calls) == 3
    login()
    calls.clear()
    page = client.get(ITEM)
    assert "Log out" in page.text and page.headers["Cache-Control"] == "private, no-store"
    assert client.get(ITEM + "?page=1").status_code == 200
    assert calls == [ITEM, ITEM]


@pytest.mark.parametrize(
    ("status", "extra", "length"),
    [
        ("200 OK", [("Set-Cookie", "tracker_session=x; HttpOnly")], 4),
        ("200 OK", None, 4),
        ("200 OK", [], 3),
        ("500 INTERNAL SERVER ERROR", [], 4),
    ],
    ids=["sets a cookie", "without its ETag", "a body cut short", "not a 200"],
)
def test_only_a_clean_page_with_its_etag_and_whole_body_is_kept(app, client, status, extra, length):
    etag = client.get("/").headers["ETag"]
    headers = [("Cache-Control", "public, no-cache"), ("Content-Length", str(length))]
    headers += [] if extra is None else [("ETag", etag), *extra]
    inner = noted_app(ANSWERED_PAGE, status, headers, etag=etag[3:-1], body=b"page")
    app.wsgi_app = Revalidator(app, inner)
    forgetful = app.test_client(use_cookies=False)
    for _ in range(2):
        assert forgetful.get("/").status == status
    assert inner.calls == 2
    clean = noted_app(
        ANSWERED_PAGE,
        "200 OK",
        [("Cache-Control", "public, no-cache"), ("Content-Length", "4"), ("ETag", etag)],
        etag=etag[3:-1],
        body=b"page",
    )
    app.wsgi_app = Revalidator(app, clean)
    for _ in range(2):
        assert forgetful.get("/").data == b"page"
    assert clean.calls == 1


def test_a_page_sent_again_from_the_response_cache_is_learned_again(app, client):
    calls = reaching_the_app(app)
    first = client.get(ITEM)
    revalidator = app.wsgi_app
    revalidator._pages = type(revalidator._pages)()  # forgotten here, still in the app's cache
    again = client.get(ITEM)
    assert client.get(ITEM).data == again.data == first.data
    assert calls == [ITEM, ITEM]
