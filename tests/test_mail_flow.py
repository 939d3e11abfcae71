"""Subscriptions end to end: web pages, outbox, a real SMTP server (aiosmtpd) on 127.0.0.1."""

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jobs import poll_treaties, send_digests, send_mail
from tests.conftest import csrf_token
from tests.fake_treaty_office import standard_chart
from tests.mail_helpers import NOW, link, mail_ctx, outbox, send_now, text_of
from tests.treaty_helpers import kaz, make_ctx, no_sleep, serve_seeded_states
from tracker import clock
from tracker.models import Subscriber

pytest_plugins = ["tests.smtp_server", "tests.conftest_treaty_office"]


def subscribe(client, email, *, frequency="immediate", items=(), treaties=()):
    token = csrf_token(client.get("/subscribe").get_data(as_text=True))
    scope = "chosen" if items or treaties else "everything"
    return client.post(
        "/subscribe",
        data={
            "csrf_token": token,
            "email": email,
            "frequency": frequency,
            "scope": scope,
            "items": list(items),
            "treaties": list(treaties),
        },
    )


def confirm(client, message):
    path = link(message, "/subscriptions/confirm/")
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my subscription" in page.get_data(as_text=True)
    done = client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert done.status_code == 302


def change_status(client, number, status, note, evidence):
    html = client.get(f"/items/{number}/status").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(
        f"/items/{number}/status",
        data={
            "csrf_token": csrf_token(html),
            "version": version,
            "status": status,
            "note": note,
            "evidence_url": evidence,
        },
    )
    assert response.status_code == 302


def test_subscribe_confirm_alerts_from_monitor_and_poller_then_one_click_unsubscribe(
    app, client, login, smtp_server, fake_treaty_office
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
    send_mail.run(mail_ctx(app, smtp_server, now=NOW + timedelta(minutes=1)))
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
    send_mail.run(mail_ctx(app, smtp_server, now=NOW + timedelta(minutes=2)))
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
    unsubscribe_url = alert["List-Unsubscribe"]
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
        make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=6)), sleep=no_sleep
    )
    send_mail.run(mail_ctx(app, smtp_server, now=NOW + timedelta(hours=6, minutes=1)))
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
    send_mail.run(mail_ctx(app, smtp_server, now=NOW + timedelta(hours=7)))
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


@pytest.mark.postgres
def test_smtp_down_then_up_delivers_each_message_exactly_once(app, smtp_server):
    for n in range(3):
        subscribe(app.test_client(), f"reader{n}@example.org")
    smtp_server.stop()
    counts = send_mail.run(mail_ctx(app, smtp_server))
    assert counts["sent"] == 0 and counts["retrying"] == 3
    rows = outbox(app.extensions["db_engine"])
    assert {r.state for r in rows} == {"pending"}
    assert all("connection refused" in r.last_error for r in rows)
    smtp_server.start()
    # Before the backoff has passed nothing is retried; after it, everything goes once.
    assert send_now(app, smtp_server).sent == 0
    assert send_now(app, smtp_server, ahead=timedelta(minutes=5)).sent == 3
    assert send_now(app, smtp_server, ahead=timedelta(minutes=30)).sent == 0
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "reader0@example.org",
        "reader1@example.org",
        "reader2@example.org",
    ]
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 3
    assert {r.state for r in outbox(app.extensions["db_engine"])} == {"sent"}


@pytest.mark.postgres
def test_a_sender_killed_after_claiming_is_retried_with_the_same_message_id(
    app, engine, smtp_server
):
    from tracker.db import unit_of_work
    from tracker.mail.outbox import claim_due_messages

    subscribe(app.test_client(), "reader@example.org")
    with unit_of_work(engine) as session:
        claimed = claim_due_messages(session, now=clock.now(), limit=10, claim_seconds=300)
        [message_id] = [m.message_id for m in claimed]
    # The claiming sender died here. Another sender leaves a live claim alone...
    assert send_now(app, smtp_server, ahead=timedelta(minutes=1)).sent == 0
    # ...and takes it over once the claim has expired.
    assert send_now(app, smtp_server, ahead=timedelta(minutes=6)).sent == 1
    [received] = smtp_server.messages
    assert received["Message-ID"] == message_id
    assert send_now(app, smtp_server, ahead=timedelta(minutes=60)).sent == 0


@pytest.mark.postgres
def test_digest_job_twice_sends_one_digest_and_skips_empty_ones(app, client, login, smtp_server):
    daily = app.test_client()
    subscribe(daily, "daily@example.org", frequency="daily")
    subscribe(app.test_client(), "quiet@example.org", frequency="daily", items=["13"])
    send_mail.run(mail_ctx(app, smtp_server))
    for message in list(smtp_server.messages):
        confirm(app.test_client(), message)
    smtp_server.messages.clear()
    login()
    change_status(client, "9.2.1", "in_progress", "Bill tabled", "https://a.example/bill")
    change_status(client, "10.1", "no_progress", "Nothing", "https://a.example/none")
    after_hour = NOW.replace(hour=8) + timedelta(days=1)
    first = send_digests.run(mail_ctx(app, smtp_server, now=after_hour))
    second = send_digests.run(mail_ctx(app, smtp_server, now=after_hour + timedelta(minutes=30)))
    assert first["daily_queued"] == 1 and first["daily_empty"] == 1
    assert second["daily_queued"] == 0
    send_mail.run(mail_ctx(app, smtp_server, now=after_hour))
    send_mail.run(mail_ctx(app, smtp_server, now=after_hour + timedelta(hours=1)))
    [digest] = smtp_server.messages
    assert digest["To"] == "daily@example.org"
    assert "Daily digest" in digest["Subject"] and "2 change(s)" in digest["Subject"]
    body = text_of(digest).replace("\r\n", "\n")
    assert "§9.2.1: Not assessed → In progress" in body and "Bill tabled" in body
    assert "§10.1: Not assessed → No progress" in body
    assert "\n* §9.2.1: Not assessed → In progress\n" in body  # one event per line block
    assert "\n* §10.1: Not assessed → No progress\n" in body
    assert "Invitations to accede that lapse soon" in body or "lapse" not in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_permanent_refusal_fails_the_message_and_suppresses_the_address(app, smtp_server):
    smtp_server.handler.refuse["bounce@example.org"] = "550 5.1.1 No such user"
    subscribe(app.test_client(), "bounce@example.org")
    counts = send_mail.run(mail_ctx(app, smtp_server, mail_hard_failure_limit=1))
    assert counts["failed"] == 1 and counts["sent"] == 0
    [row] = outbox(app.extensions["db_engine"])
    assert row.state == "failed" and "550" in row.last_error and row.attempts == 1
    with Session(app.extensions["db_engine"]) as session:
        subscriber = session.exec(select(Subscriber)).one()
        assert subscriber.hard_failures == 1 and subscriber.suppressed_at is not None
    subscribe(app.test_client(), "bounce@example.org")
    assert len(outbox(app.extensions["db_engine"])) == 1  # a suppressed address gets nothing
    assert send_now(app, smtp_server, ahead=timedelta(hours=1)).sent == 0


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
    path = alert["List-Unsubscribe"].strip("<>").removeprefix("https://tracker.example.org")
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
