"""Immediate alerts: queued by every sender, combined when close together, scoped by structure."""

from sqlmodel import select

from jobs import send_mail
from tests.mail_helpers import (
    NOW,
    add_subscriber,
    mail_ctx,
    record_change,
    text_of,
)
from tracker.db import unit_of_work
from tracker.models import Item

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]


def test_outbox_send_queues_the_alerts_of_new_events_then_sends(
    app, engine, smtp_server, mail_clock
):
    add_subscriber(engine, "now@example.org")
    record_change(engine, "9.2.1", "in_progress", "Bill tabled")
    mail_clock.advance(minutes=10)
    app.extensions["tracker_settings"] = mail_ctx(app, smtp_server).settings
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "queued 1 alert(s)" in result.output and "sent 1" in result.output
    [alert] = smtp_server.messages
    assert "§9.2.1" in alert["Subject"] and "Bill tabled" in text_of(alert)


def test_alerts_close_together_go_as_one_message_oldest_first(app, engine, smtp_server, mail_clock):
    add_subscriber(engine, "now@example.org")
    record_change(engine, "9.2.1", "in_progress", "First")
    mail_clock.advance(minutes=4)
    record_change(engine, "10.1", "in_progress", "Second")
    mail_clock.advance(minutes=4, seconds=59)
    # Within 5 minutes of the newest: another may still join, nothing is sent yet.
    assert send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.moment))["alerts_queued"] == 0
    mail_clock.advance(seconds=1)
    record_change(engine, "11.1", "in_progress", "Third")  # 5 minutes after the second
    mail_clock.advance(minutes=20)
    record_change(engine, "12.1", "in_progress", "Later")  # 20 minutes on: its own message
    mail_clock.advance(minutes=6)
    counts = send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.moment))
    assert counts["alerts_queued"] == 2 and counts["sent"] == 2
    combined, single = smtp_server.messages
    assert combined["Subject"].startswith("[Resolution 2616] 3 changes: §9.2.1")
    body = text_of(combined)
    assert body.index("First") < body.index("Second") < body.index("Third")
    assert "Later" not in body and "Later" in text_of(single)
    assert send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(hours=1)))["sent"] == 0


def test_with_coalescing_off_each_change_is_its_own_message(app, engine, smtp_server, mail_clock):
    add_subscriber(engine, "now@example.org")
    record_change(engine, "9.2.1", "in_progress", "First")
    record_change(engine, "10.1", "in_progress", "Second")
    mail_clock.advance(seconds=1)
    counts = send_mail.run(
        mail_ctx(app, smtp_server, now=mail_clock.moment, alert_coalesce_minutes=0)
    )
    assert counts["sent"] == 2


def test_a_paragraph_includes_its_sub_paragraphs_even_those_added_later(
    app, engine, smtp_server, mail_clock
):
    add_subscriber(engine, "eleven@example.org", items=["11"])
    add_subscriber(engine, "one@example.org", items=["1"])  # §1 is not §11 nor §1x
    record_change(engine, "11.3", "in_progress", "Sub-paragraph")
    with unit_of_work(engine) as session:
        parent = session.exec(select(Item).where(Item.number == "11")).one()
        session.add(
            Item(
                document_id=parent.document_id,
                number="11.6",
                parent_id=parent.id,
                position=10_000,
                depth=parent.depth + 1,
                text="A sub-paragraph added by a later text.",
                difference="new",
            )
        )
    record_change(engine, "11.6", "in_progress", "Added later")
    record_change(engine, "12.1", "in_progress", "Not in scope")
    mail_clock.advance(minutes=10)
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.moment))
    [alert] = smtp_server.to("eleven@example.org")
    body = text_of(alert)
    assert "Sub-paragraph" in body and "Added later" in body and "Not in scope" not in body
    assert smtp_server.to("one@example.org") == []
    assert NOW < mail_clock.moment
