"""Languages on the web: the locale from Accept-Language, the switcher's cookie, locale dates."""

import re

import pytest

from tracker.i18n import COOKIE


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.mark.parametrize(
    ("header", "lang", "heading"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr", "tableau de bord de la mise en œuvre"),
        ("ru", "ru", "ход выполнения"),
        ("en-GB", "en", "implementation dashboard"),
        # No interface language asked for: English.
        ("de-DE,de;q=0.9,ja;q=0.5", "en", "implementation dashboard"),
    ],
)
def test_accept_language_picks_the_page_language(client, header, lang, heading):
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert _lang(html) == lang
    assert heading in html
    # The resolution's own text stays in the language it was imported in.
    assert "The Assembly" in html or "calls on" in html


def test_the_switcher_remembers_the_choice_over_accept_language(client):
    page = client.get("/treaties", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'href="/language/ru?next=/treaties"' in page
    chosen = client.get("/language/ru?next=/treaties", headers={"Accept-Language": "fr"})
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/treaties"
    assert f"{COOKIE}=ru" in chosen.headers["Set-Cookie"]
    again = client.get("/treaties", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert _lang(again) == "ru" and "Договоры" in again
    assert 'aria-current="true">Русский' in again.replace("\n", "")


def test_the_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    assert client.get("/language/de").status_code == 404
    away = client.get("/language/fr?next=//evil.example/x")
    assert away.headers["Location"] == "/"
    # A stale or forged cookie falls back to the browser's language, then English.
    client.set_cookie(COOKIE, "xx")
    assert _lang(client.get("/").get_data(as_text=True)) == "en"


def test_dates_follow_the_locale_and_datetime_attributes_stay_iso(client):
    pages = {
        lang: client.get("/", headers={"Accept-Language": lang}).get_data(as_text=True)
        for lang in ("en", "fr", "ru")
    }
    assert "30 September 2025" in pages["en"]
    assert "30 septembre 2025" in pages["fr"]
    assert "30 сентября 2025" in pages["ru"]
    for html in pages.values():
        # Machine-readable moments stay ISO whatever the language.
        stamps = re.findall(r'<time datetime="([^"]+)"', html)
        assert stamps and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:+]+)?", s) for s in stamps)


def test_short_dates_and_numbers_per_locale(app):
    from datetime import UTC, datetime

    from tracker.i18n.web import number, when

    moment = datetime(2026, 12, 5, 14, 7, tzinfo=UTC)
    expected = {"en": "5 Dec 2026, 14:07", "fr": "5 déc. 2026, 14:07", "ru": "5 дек. 2026"}
    for lang, text in expected.items():
        with app.test_request_context("/", headers={"Accept-Language": lang}):
            assert when(moment).startswith(text), (lang, when(moment))
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert number(12345) == "12\u202f345"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert number(12345) == "12,345"


def test_labels_made_in_python_are_translated_where_shown(client):
    html = client.get("/statuses", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Partiellement mis en œuvre" in html and "Partially implemented" not in html
    treaties = client.get("/treaties", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Не подписан" in treaties or "Подписан" in treaties
    form = client.get("/subscribe", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Еженедельная сводка" in form and "Язык писем" in form
    # The language of the mail is proposed as the page's own.
    assert re.search(r'<option selected value="ru">|<option value="ru" selected>', form)


def test_form_errors_are_translated(client):
    from tests.conftest import csrf_token

    page = client.get("/subscribe", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    sent = client.post(
        "/subscribe",
        data={"csrf_token": csrf_token(page), "email": "a@example.org", "frequency": "daily"},
        headers={"Accept-Language": "fr"},
    )
    assert sent.status_code == 400
    assert "Choisissez tous les changements" in sent.get_data(as_text=True)


def test_api_and_feeds_stay_iso_and_untranslated(client):
    api = client.get("/api/v1/texts", headers={"Accept-Language": "fr"}).get_json()
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(t.get("adopted_on"))) for t in api["texts"])


def test_a_status_change_reads_in_the_page_language(client, engine):
    from tests.mail_helpers import record_change

    record_change(engine, "12.3", "in_progress", "Bill tabled")
    french = client.get("/changes", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Non évalué → En cours" in french
    russian = client.get("/changes", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Not assessed" not in russian and "Bill tabled" in russian  # notes stay as written
    english = client.get("/changes").get_data(as_text=True)
    assert "Not assessed → In progress" in english
