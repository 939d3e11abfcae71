"""What every message looks like on the wire: 78-octet lines, multipart, the list headers."""

from datetime import timedelta

from jobs import send_digests, send_mail
from tests.mail_helpers import (
    NOW,
    add_subscriber,
    mail_ctx,
    record_change,
    subscribe,
    text_of,
)

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]

LONG_NOTE = "x" * 5000  # one unbroken word, as long as a note may be
UNICODE_NOTE = "Қазақстан — ратификация ✓ Ünïcødé " * 140
INJECTION_NOTE = "line one\r\nBcc: victim@example.org\r\n.\r\nSubject: injected\rcarriage\nend"


def assert_on_the_wire(raw: bytes) -> None:
    """Every line at most 78 octets, CRLF only, ASCII only."""
    assert b"\r\n" in raw
    lines = raw.split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    too_long = [line[:90] for line in lines if len(line) > 78]
    assert too_long == []
    raw.decode("ascii")


def assert_list_headers(message) -> None:
    for name in ("Message-ID", "Date", "From", "To", "Subject", "List-Unsubscribe"):
        assert message[name], name
    assert message["List-Unsubscribe"].strip().startswith("<https://tracker.example.org/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]


def test_every_line_of_every_message_fits_whatever_the_note(app, engine, smtp_server, mail_clock):
    add_subscriber(engine, "now@example.org")
    add_subscriber(engine, "daily@example.org", frequency="daily")
    subscribe(app.test_client(), "new@example.org")  # a confirmation mail too
    record_change(engine, "9.2.1", "in_progress", LONG_NOTE, evidence="https://a.example/1")
    record_change(engine, "10.1", "no_progress", UNICODE_NOTE)
    record_change(engine, "11.1", "in_progress", INJECTION_NOTE)
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(minutes=10)))
    next_day = mail_clock.set(NOW.replace(hour=8) + timedelta(days=1))
    send_digests.run(mail_ctx(app, smtp_server, now=next_day))
    send_mail.run(mail_ctx(app, smtp_server, now=next_day))
    kinds = sorted(m["Subject"].split(":")[0] for m in smtp_server.messages)
    assert len(kinds) == 3, kinds  # confirmation, one alert of three changes, one digest
    for raw, message in zip(smtp_server.handler.raw, smtp_server.messages, strict=True):
        assert_on_the_wire(raw)
        assert_list_headers(message)
        assert message["Bcc"] is None and "injected" not in message["Subject"]
    [alert] = smtp_server.to("now@example.org")
    [digest] = smtp_server.to("daily@example.org")
    for message in (alert, digest):
        text = text_of(message)
        assert LONG_NOTE in text and UNICODE_NOTE.strip() in text
        assert "Bcc: victim@example.org" in text  # shown as text, never a header
        html = message.get_body(preferencelist=("html",)).get_content()
        assert LONG_NOTE in html and "Қазақстан" in html
    # Sent to its one recipient each: an injected line made no new envelope recipient.
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "daily@example.org",
        "new@example.org",
        "now@example.org",
    ]


def test_a_digest_has_one_message_id_per_subscriber_and_period(
    app, engine, smtp_server, mail_clock
):
    add_subscriber(engine, "daily@example.org", frequency="daily")
    record_change(engine, "9.2.1", "in_progress", "A change")
    next_day = mail_clock.set(NOW.replace(hour=8) + timedelta(days=1))
    send_digests.run(mail_ctx(app, smtp_server, now=next_day))
    send_mail.run(mail_ctx(app, smtp_server, now=next_day))
    [digest] = smtp_server.messages
    assert digest["Message-ID"].startswith("<digest.daily.20260202.")
    assert digest["Subject"].startswith("[Resolution 2616] Daily digest for Mon 02 Feb 2026")


def test_a_long_site_address_keeps_the_unsubscribe_url_whole(app, engine, smtp_server, mail_clock):
    import re

    add_subscriber(engine, "now@example.org")
    record_change(engine, "9.2.1", "in_progress", "A change")
    base = "https://resolution-2616-tracker.example.org"
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(minutes=10), base_url=base))
    [alert] = smtp_server.messages
    assert_on_the_wire(smtp_server.handler.raw[0])
    # Folded before the "<" when it does not fit beside the name, never an encoded word.
    value = alert["List-Unsubscribe"].strip()
    assert re.fullmatch(re.escape(f"<{base}/unsubscribe/") + r"\d+\.[\w-]{16}>", value)
    assert b"List-Unsubscribe: \r\n <https://" in smtp_server.handler.raw[0]
