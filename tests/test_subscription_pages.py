"""Subscription links and pages: tokens, preferences, data deletion, admin outbox, CLI."""

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jobs import send_digests, send_mail
from tests.conftest import TEST_SECRET, csrf_token
from tests.mail_helpers import (
    NOW,
    change_status,
    confirmed_reader,
    link,
    mail_ctx,
    outbox,
    subscribe,
)
from tracker.config import ConfigError, load_settings
from tracker.mail.compose import HeaderInjectionError, MailIdentity, render_mail
from tracker.mail.tokens import make_token
from tracker.models import Subscriber, SubscriptionTopic

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]


def test_forged_expired_and_misused_tokens_are_refused(app, smtp_server, monkeypatch):
    reader = app.test_client()
    subscribe(reader, "reader@example.org")
    send_mail.run(mail_ctx(app, smtp_server))
    path = link(smtp_server.messages[0], "/subscriptions/confirm/")
    token = path.rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert reader.get(f"/subscriptions/confirm/{forged}").status_code == 400
    assert reader.get(f"/unsubscribe/{token}").status_code == 400  # a confirm token is not one
    assert reader.get(f"/subscriptions/manage/{token}").status_code == 400
    other_key = make_token(
        "another-secret-key-0123456789",
        purpose="unsubscribe",
        subscriber_id=1,
        email="reader@example.org",
    )
    assert reader.post(f"/unsubscribe/{other_key}").status_code == 400
    # A token for an address that is not the subscriber's.
    with Session(app.extensions["db_engine"]) as session:
        subscriber_id = session.exec(select(Subscriber.id)).one()
    wrong = make_token(
        TEST_SECRET,
        purpose="unsubscribe",
        subscriber_id=subscriber_id,
        email="someone-else@example.org",
    )
    assert reader.post(f"/unsubscribe/{wrong}").status_code == 400
    # A confirmation link older than TRACKER_UNCONFIRMED_EXPIRY_HOURS (72) has expired.
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() - 73 * 3600)
    old = make_token(
        TEST_SECRET, purpose="confirm", subscriber_id=subscriber_id, email="reader@example.org"
    )
    monkeypatch.undo()
    expired = reader.get(f"/subscriptions/confirm/{old}")
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    assert reader.get(path).status_code == 200
    with Session(app.extensions["db_engine"]) as session:
        assert session.exec(select(Subscriber)).one().confirmed_at is None


def test_an_unconfirmed_address_receives_nothing_but_the_confirmation(
    app, client, login, smtp_server
):
    subscribe(app.test_client(), "daily@example.org", frequency="daily")
    subscribe(app.test_client(), "now@example.org", frequency="immediate")
    login()
    change_status(client, "12.1", "in_progress", "Something", "https://a.example/x")
    next_day = NOW.replace(hour=8) + timedelta(days=1)
    send_digests.run(mail_ctx(app, smtp_server, now=next_day))
    send_mail.run(mail_ctx(app, smtp_server, now=next_day))
    assert (
        sorted(m["Subject"] for m in smtp_server.messages)
        == ["[Resolution 2616] Confirm your subscription"] * 2
    )


def test_manage_preferences_and_delete_everything(app, smtp_server):
    reader = confirmed_reader(app, smtp_server)
    alert_path = link(smtp_server.messages[-1], "/subscriptions/confirm/")
    assert alert_path
    with Session(app.extensions["db_engine"]) as session:
        subscriber = session.exec(select(Subscriber)).one()
    manage = f"/subscriptions/manage/{make_token(TEST_SECRET, purpose='manage', subscriber_id=subscriber.id, email=subscriber.email)}"  # noqa: E501
    page = reader.get(manage).get_data(as_text=True)
    assert "What we store about you" in page and "reader@example.org" in page
    saved = reader.post(
        manage,
        data={
            "csrf_token": csrf_token(page),
            "frequency": "weekly",
            "scope": "chosen",
            "items": ["res-2616:6", "res-2616:9.2.1"],
            "treaties": ["cets-210"],
        },
    )
    assert saved.status_code == 302
    with Session(app.extensions["db_engine"]) as session:
        assert session.exec(select(Subscriber)).one().frequency == "weekly"
        topics = session.exec(select(SubscriptionTopic.ref)).all()
        assert sorted(topics) == ["cets-210", "res-2616:6", "res-2616:9.2.1"]
    bad = reader.post(
        manage, data={"csrf_token": csrf_token(page), "frequency": "weekly", "scope": "chosen"}
    )
    assert bad.status_code == 400 and "Choose at least one" in bad.get_data(as_text=True)
    unknown = reader.post(
        manage, data={"csrf_token": csrf_token(page), "frequency": "hourly", "scope": "everything"}
    )
    assert unknown.status_code == 400
    page = reader.get(manage).get_data(as_text=True)
    token = csrf_token(page)
    gone = reader.post(f"{manage}/delete", data={"csrf_token": token})
    assert gone.status_code == 200 and "everything we stored" in gone.get_data(as_text=True)
    with Session(app.extensions["db_engine"]) as session:
        assert session.exec(select(Subscriber)).all() == []
        assert session.exec(select(SubscriptionTopic)).all() == []
    assert [m.recipient for m in outbox(app.extensions["db_engine"])] == []
    assert reader.get(manage).status_code == 400


def test_header_injection_is_refused_when_rendering_and_in_settings(tmp_path):
    identity = MailIdentity("T <t@example.org>", None, "https://x.example", "L <l.x.example>")
    with pytest.raises(HeaderInjectionError):
        render_mail(
            "alert",
            recipient="a@example.org\r\nBcc: b@example.org",
            subject="S",
            context={},
            identity=identity,
            unsubscribe_url="https://x.example/u",
            manage_url=None,
            now=NOW,
        )
    with pytest.raises(ConfigError, match="one line"):
        load_settings(
            {"TRACKER_MAIL_FROM": "a@example.org\nBcc: b@example.org"}, instance_path=tmp_path
        )
    with pytest.raises(ConfigError, match="TRACKER_SMTP_TLS"):
        load_settings({"TRACKER_SMTP_TLS": "maybe"}, instance_path=tmp_path)


def test_the_outbox_page_is_for_admins_only(app, client, login, smtp_server):
    subscribe(app.test_client(), "private@example.org")
    login("monitor@example.org")
    assert client.get("/admin/outbox").status_code == 403
    admin = app.test_client()
    login("admin@example.org", "admin", on=admin)
    html = admin.get("/admin/outbox").get_data(as_text=True)
    assert "private@example.org" in html and "pending: <strong>1</strong>" in html
    assert admin.get("/admin/outbox?state=bogus").status_code == 400


@pytest.mark.postgres
def test_cli_digest_dry_run_then_send_and_outbox_send(
    app, client, login, smtp_server, mail_clock
):
    confirmed_reader(app, smtp_server, "daily@example.org", frequency="daily")
    login()
    change_status(client, "9.3", "in_progress", "Delegation sent", "https://a.example/d")
    mail_clock.set(NOW.replace(hour=8) + timedelta(days=1))
    settings_env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(smtp_server.port)}
    app.extensions["tracker_settings"] = mail_ctx(app, smtp_server).settings
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["digest", "send", "--frequency", "daily", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would queue: daily@example.org (1 change(s))" in dry.output
    assert len(smtp_server.messages) == 1
    done = runner.invoke(args=["digest", "send", "--frequency", "daily"], env=settings_env)
    assert done.exit_code == 0, done.output
    assert "1 digest(s) queued" in done.output and "sent 1" in done.output
    again = runner.invoke(args=["digest", "send", "--frequency", "daily"])
    assert "0 digest(s) queued" in again.output and "1 already done" in again.output
    assert [m["To"] for m in smtp_server.messages][-1] == "daily@example.org"
    assert re.search(r"Daily digest", smtp_server.messages[-1]["Subject"])
    sent = runner.invoke(args=["outbox", "send"])
    assert sent.exit_code == 0 and "sent 0" in sent.output


@pytest.mark.postgres
def test_the_subscribe_form_is_limited_per_network_address(app, smtp_server):
    app.extensions["tracker_settings"] = mail_ctx(
        app, smtp_server, subscribe_limit_per_hour=3
    ).settings
    browser = app.test_client()
    answers = [subscribe(browser, f"person{n}@example.org").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = subscribe(browser, "another@example.org")
    assert "Too many subscription requests" in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "3600"
    assert len(outbox(app.extensions["db_engine"])) == 3
