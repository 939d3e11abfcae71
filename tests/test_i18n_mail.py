"""Mail in the subscriber's language, sent through a real SMTP server (aiosmtpd) on 127.0.0.1."""

from sqlmodel import Session, select

from jobs import send_mail
from tests.conftest import csrf_token
from tests.mail_helpers import change_status, confirm, link, mail_ctx, text_of
from tracker.models import Subscriber

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]


def _subscribe(client, email, language, accept):
    page = client.get("/subscribe", headers={"Accept-Language": accept}).get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "email": email, "frequency": "immediate"}
    form |= {"scope": "everything", "language": language}
    return client.post("/subscribe", data=form, headers={"Accept-Language": accept})


def _language(engine, email):
    with Session(engine) as session:
        return session.exec(select(Subscriber.language).where(Subscriber.email == email)).one()


def test_a_subscriber_gets_mail_in_the_language_chosen(
    app, engine, client, login, smtp_server, mail_clock
):
    reader = app.test_client()
    # The page is read in French, the mail wanted in Russian: the choice wins.
    assert _subscribe(reader, "ivan@example.org", "ru", accept="fr").status_code == 200
    assert _language(engine, "ivan@example.org") == "ru"
    send_mail.run(mail_ctx(app, smtp_server))
    [confirmation] = smtp_server.to("ivan@example.org")
    assert "Подтвердите подписку" in confirmation["Subject"]
    body = text_of(confirmation)
    assert "Кто-то, вероятно вы" in body and "Someone" not in body
    assert '<html lang="ru">' in confirmation.get_body(preferencelist=("html",)).get_content()
    confirm(reader, confirmation)

    login()
    change_status(client, "11.1", "in_progress", "Draft law tabled", "https://a.example/1")
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(minutes=10)))
    alert = smtp_server.to("ivan@example.org")[-1]
    text = text_of(alert)
    assert "Изменение в выполнении Резолюции ПАСЕ 2616 (2025)" in text
    assert "Отписаться" in text and "Unsubscribe:" not in text
    assert "февр. 2026" in text  # the date as Russian writes it
    # The note is the monitor's own words: never translated.
    assert "Draft law tabled" in text

    # The manage page shows the choice and changes it; the next mail follows.
    manage = reader.get(link(alert, "/subscriptions/manage/"))
    html = manage.get_data(as_text=True)
    assert '<option selected value="ru">' in html
    saved = reader.post(
        link(alert, "/subscriptions/manage/"),
        data={
            "csrf_token": csrf_token(html),
            "frequency": "immediate",
            "scope": "everything",
            "language": "fr",
        },
    )
    assert saved.status_code == 302
    assert _language(engine, "ivan@example.org") == "fr"
    change_status(client, "11.1", "no_progress", "Withdrawn", "https://a.example/2")
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(minutes=10)))
    french = text_of(smtp_server.to("ivan@example.org")[-1])
    assert "Un changement dans le suivi de la Résolution 2616 (2025) de l’APCE" in french


def test_the_subscribe_form_proposes_the_page_language_and_refuses_unknown_ones(app):
    reader = app.test_client()
    assert _subscribe(reader, "x@example.org", "xx", accept="ru").status_code == 400
    page = reader.get("/subscribe", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<option selected value="ru">' in page


def test_english_stays_the_default_for_mail(app, engine, smtp_server):
    from tests.mail_helpers import subscribe

    reader = app.test_client()
    subscribe(reader, "plain@example.org")
    assert _language(engine, "plain@example.org") == "en"
    send_mail.run(mail_ctx(app, smtp_server))
    [confirmation] = smtp_server.to("plain@example.org")
    assert "Confirm your subscription" in confirmation["Subject"]
    assert "Someone, probably you" in text_of(confirmation)
