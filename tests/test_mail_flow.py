"""Subscriptions end to end: web pages, outbox, a real SMTP server (aiosmtpd) on 127.0.0.1."""

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jobs import poll_treaties, send_mail
from tests.fake_treaty_office import standard_chart
from tests.mail_helpers import (
    NOW,
    change_status,
    confirm,
    mail_ctx,
    outbox,
    subscribe,
    text_of,
)
from tests.treaty_helpers import kaz, make_ctx, no_sleep, serve_seeded_states
from tracker.models import Subscriber

pytest_plugins = ["tests.smtp_server", "tests.conftest_treaty_office", "tests.mail_fixtures"]


def test_subscribe_confirm_alerts_from_monitor_and_poller_then_one_click_unsubscribe(
    app, client, login, smtp_server, fake_treaty_office, mail_clock
):
    # The first poll (which confirms the seeded facts) happens before anyone subscribes.
    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=NOW), sleep=no_sleep)
    reader = app.test_client()
    assert (
        subscribe(reader, "reader@example.org", items=["9.2.1"], treaties=["cets-210"]).status_code
        == 200
    )
    send_mail.run(mail_ctx(app, smtp_server))
    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "reader@example.org"
    assert "Confirm your subscription" in confirmation["Subject"]

    # Before confirming, a change mails nothing.
    login()
    change_status(client, "9.2.1", "in_progress", "Before confirmation", "https://a.example/1")
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(minutes=10)))
    assert len(smtp_server.messages) == 1

    confirm(reader, confirmation)
    change_status(
        client,
        "9.2.1",
        "partially_implemented",
        "Law adopted <b>today</b>",
        "https://adilet.example/law-1",
    )
    change_status(client, "11.1", "no_progress", "Not followed", "https://a.example/2")
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(minutes=10)))
    alerts = smtp_server.messages[1:]
    assert len(alerts) == 1, [m["Subject"] for m in alerts]
    alert = alerts[0]
    assert alert["Subject"] == "[Resolution 2616] §9.2.1: In progress → Partially implemented"
    body = text_of(alert)
    assert "Law adopted <b>today</b>" in body and "https://adilet.example/law-1" in body
    assert "by Monitor 1" in body and "monitor@example.org" not in body
    assert "https://tracker.example.org/items/9.2.1" in body
    html = alert.get_body(preferencelist=("html",)).get_content()
    assert "Law adopted &lt;b&gt;today&lt;/b&gt;" in html
    unsubscribe_url = alert["List-Unsubscribe"].strip()
    assert re.fullmatch(r"<https://tracker\.example\.org/unsubscribe/[\w.-]+>", unsubscribe_url)
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert alert["Auto-Submitted"] == "auto-generated"
    assert alert["List-Id"] == "Resolution 2616 follow-up <r2616.tracker.example.org>"
    assert alert["Message-ID"] and alert["Date"] and alert["From"]

    # A change found by the poller on CETS 210, which the reader follows.
    fake_treaty_office.set_chart(
        210, standard_chart(210, kaz(210, signed=NOW.date() - timedelta(days=3)))
    )
    poll_treaties.run(
        make_ctx(app, fake_treaty_office, now=mail_clock.set(NOW + timedelta(hours=6))),
        sleep=no_sleep,
    )
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(minutes=10)))
    treaty_alerts = smtp_server.to("reader@example.org")[2:]
    assert len(treaty_alerts) == 1, [m["Subject"] for m in treaty_alerts]
    assert "CETS 210" in treaty_alerts[0]["Subject"]
    assert "https://tracker.example.org/treaties/cets-210" in text_of(treaty_alerts[0])

    # One-click unsubscribe: a POST with no cookie and no form token.
    path = unsubscribe_url.strip("<>").removeprefix("https://tracker.example.org")
    stranger = app.test_client()
    assert stranger.get(path).status_code == 200  # a GET only shows the button
    with Session(app.extensions["db_engine"]) as session:
        assert session.exec(select(Subscriber)).one().email == "reader@example.org"
    response = stranger.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert stranger.post(path).status_code == 200  # a repeated POST is harmless
    change_status(client, "9.2.1", "implemented", "Done", "https://a.example/3")
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(hours=1)))
    assert len(smtp_server.to("reader@example.org")) == 3
    stored = [m.recipient for m in outbox(app.extensions["db_engine"])]
    assert "reader@example.org" not in stored  # unsubscribing deleted what was stored


def test_the_form_never_tells_whether_an_address_is_subscribed(app, smtp_server):
    first, second = app.test_client(), app.test_client()
    answer_new = subscribe(first, "known@example.org")
    send_mail.run(mail_ctx(app, smtp_server))
    confirm(first, smtp_server.messages[0])
    answer_known = subscribe(second, "known@example.org", frequency="weekly")

    def visible(response):
        return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))

    assert answer_new.status_code == answer_known.status_code == 200
    assert visible(answer_new) == visible(answer_known)
    with Session(app.extensions["db_engine"]) as session:
        assert session.exec(select(Subscriber)).one().frequency == "immediate"  # unchanged
    send_mail.run(mail_ctx(app, smtp_server, now=NOW + timedelta(minutes=1)))
    assert "already subscribed" in smtp_server.messages[-1]["Subject"]


@pytest.mark.parametrize(
    "email",
    ["a@example.org\r\nBcc: victim@example.org", "a@example.org\nSubject: spam", "not-an-address"],
)
def test_header_injection_in_the_address_is_refused(app, client, email):
    response = subscribe(client, email)
    assert response.status_code == 400
    assert outbox(app.extensions["db_engine"]) == []


def test_monitors_are_alerted_about_a_failing_source_and_reviews(
    app, login, smtp_server, fake_treaty_office
):
    login("monitor@example.org")
    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=NOW), sleep=no_sleep)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=NOW.date())))
    poll_treaties.run(
        make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=1)), sleep=no_sleep
    )
    for n in range(3):
        fake_treaty_office.fail_next("/WS_LFRConventions/api/signatures", 100, 500)
        poll_treaties.run(
            make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=2 + n)), sleep=no_sleep
        )
    send_mail.run(mail_ctx(app, smtp_server, now=NOW + timedelta(hours=5)))
    [alert] = smtp_server.to("monitor@example.org")
    assert "failing source" in alert["Subject"] and "to review" in alert["Subject"]
    body = text_of(alert)
    assert "https://tracker.example.org/reviews" in body and "§9.2.1" in body
    send_mail.run(mail_ctx(app, smtp_server, now=NOW + timedelta(hours=6)))
    assert len(smtp_server.to("monitor@example.org")) == 1


def test_a_monitor_turns_alerts_off_from_the_alert_email(
    app, login, smtp_server, fake_treaty_office
):
    login("monitor@example.org")
    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=NOW), sleep=no_sleep)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=NOW.date())))
    poll_treaties.run(
        make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=1)), sleep=no_sleep
    )
    send_mail.run(mail_ctx(app, smtp_server))
    [alert] = smtp_server.to("monitor@example.org")
    path = alert["List-Unsubscribe"].strip(" <>").removeprefix("https://tracker.example.org")
    assert path.startswith("/account/alerts/")
    stranger = app.test_client()
    assert "Turn off alerts" in stranger.get(path).get_data(as_text=True)
    assert stranger.post(path).status_code == 200
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210)))
    for hours in (2, 3):
        poll_treaties.run(
            make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=hours)), sleep=no_sleep
        )
    send_mail.run(mail_ctx(app, smtp_server, now=NOW + timedelta(hours=4)))
    assert len(smtp_server.to("monitor@example.org")) == 1
