"""Whose fault an SMTP refusal is: the transport's (retry, fail the run) or one address's."""

from datetime import timedelta

import pytest

from jobs import send_mail
from tests.mail_helpers import (
    lost_and_duplicated,
    mail_ctx,
    outbox,
    queue_messages,
    send_now,
    subscriber_row,
)
from tracker.mail.sending import TransportFailed

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]

READERS = ["a@example.org", "b@example.org", "c@example.org"]


def assert_nobody_suppressed(engine, emails=READERS):
    for email in emails:
        row = subscriber_row(engine, email)
        assert row.hard_failures == 0 and row.suppressed_at is None, email


def run_failing(app, smtp_server, *, match: str, **overrides):
    with pytest.raises(TransportFailed, match=match) as failed:
        send_mail.run(mail_ctx(app, smtp_server, **overrides))
    return failed.value.counts


@pytest.mark.parametrize(
    "answer", ["550 5.7.1 Relaying denied", "553 5.7.1 Sender address rejected", "451 4.7.1 Later"]
)
def test_a_refusal_at_mail_from_is_the_transports_fault(app, engine, smtp_server, answer):
    expected = queue_messages(engine, READERS)
    smtp_server.handler.refuse_mail_from = answer
    run_failing(app, smtp_server, match="MAIL FROM", mail_max_hard_failures=1)
    for hour in range(1, 4):  # a bad hour: the relay refuses every try
        send_now(app, smtp_server, ahead=timedelta(hours=hour), mail_max_hard_failures=1)
    assert_nobody_suppressed(engine)
    rows = outbox(engine)
    assert {r.state for r in rows} == {"pending"}
    assert any(answer.split()[0] in (r.last_error or "") for r in rows)
    smtp_server.handler.refuse_mail_from = None
    assert send_now(app, smtp_server, ahead=timedelta(hours=12)).sent == 3
    assert lost_and_duplicated(expected, smtp_server.message_ids()) == (0, 0)


def test_a_refused_login_is_the_transports_fault(app, engine, smtp_server):
    queue_messages(engine, READERS)
    smtp_server.auth = ("tracker", "right-password")
    smtp_server.restart()
    counts = run_failing(
        app, smtp_server, match="AUTH", smtp_username="tracker", smtp_password="wrong"
    )
    assert counts.sent == 0 and counts.failed == 0 and counts.retrying == 3
    assert "535" in outbox(engine)[0].last_error
    # No credentials at all: the relay answers 530 at MAIL FROM, still not the readers' fault.
    assert send_now(app, smtp_server, ahead=timedelta(hours=1)).transport_errors
    assert "530" in outbox(engine)[0].last_error or "530" in outbox(engine)[1].last_error
    assert_nobody_suppressed(engine)
    counts = send_now(
        app,
        smtp_server,
        ahead=timedelta(hours=12),
        smtp_username="tracker",
        smtp_password="right-password",
    )
    assert counts.sent == 3 and not counts.transport_errors


def test_a_refused_recipient_fails_its_message_only_and_counts_in_a_row(app, engine, smtp_server):
    expected = queue_messages(engine, READERS)
    del expected[1]  # the one to b, refused
    smtp_server.handler.refuse["b@example.org"] = "550 5.1.1 No such user"
    counts = send_mail.run(mail_ctx(app, smtp_server))  # an address's fault: the run is ok
    assert counts["sent"] == 2 and counts["failed"] == 1
    failed = [r for r in outbox(engine) if r.state == "failed"]
    assert [r.recipient for r in failed] == ["b@example.org"] and "550" in failed[0].last_error
    row = subscriber_row(engine, "b@example.org")
    assert row.hard_failures == 1 and row.suppressed_at is None  # TRACKER_MAIL_MAX_HARD_FAILURES=2
    # A delivery in between resets the count: two refusals, but not in a row.
    del smtp_server.handler.refuse["b@example.org"]
    expected += queue_messages(engine, ["b@example.org"])
    assert send_now(app, smtp_server).sent == 1
    assert subscriber_row(engine, "b@example.org").hard_failures == 0
    smtp_server.handler.refuse["b@example.org"] = "550 5.1.1 No such user"
    queue_messages(engine, ["b@example.org"])
    send_now(app, smtp_server)
    row = subscriber_row(engine, "b@example.org")
    assert row.hard_failures == 1 and row.suppressed_at is None
    # The second refusal in a row suppresses the address, and says why.
    queue_messages(engine, ["b@example.org"])
    send_now(app, smtp_server)
    row = subscriber_row(engine, "b@example.org")
    assert row.hard_failures == 2 and row.suppressed_at is not None
    assert "2 permanent refusals in a row" in row.suppressed_reason
    assert "550 5.1.1 No such user" in row.suppressed_reason
    assert_nobody_suppressed(engine, ["a@example.org", "c@example.org"])
    # A suppressed address gets nothing more (but is not tried, so not counted either).
    del smtp_server.handler.refuse["b@example.org"]
    queue_messages(engine, ["b@example.org"])
    assert send_now(app, smtp_server).sent == 0
    assert lost_and_duplicated(expected, smtp_server.message_ids()) == (0, 0)


@pytest.mark.parametrize(
    ("where", "answer"),
    [("rcpt", "450 4.2.1 Mailbox busy"), ("data", "451 4.3.0 Try again later")],
)
def test_a_4xx_is_temporary_for_everyone(app, engine, smtp_server, where, answer):
    expected = queue_messages(engine, READERS)
    if where == "rcpt":
        smtp_server.handler.refuse["b@example.org"] = answer
    else:
        smtp_server.handler.refuse_data = answer
    run_failing(app, smtp_server, match=answer.split()[0], mail_max_hard_failures=1)
    assert_nobody_suppressed(engine)
    retried = [r for r in outbox(engine) if r.state == "pending"]
    assert retried and all(r.attempts == 1 for r in retried)
    # Backoff: not retried a moment later, retried after the first minute.
    smtp_server.handler.refuse.clear()
    smtp_server.handler.refuse_data = None
    assert send_now(app, smtp_server, ahead=timedelta(seconds=30)).sent == 0
    assert send_now(app, smtp_server, ahead=timedelta(minutes=2)).sent == len(retried)
    assert lost_and_duplicated(expected, smtp_server.message_ids()) == (0, 0)


@pytest.mark.postgres
def test_smtp_down_then_up_delivers_each_message_exactly_once(app, engine, smtp_server):
    expected = queue_messages(engine, READERS)
    smtp_server.stop()
    counts = run_failing(app, smtp_server, match="connection refused")
    assert counts.sent == 0 and counts.retrying == 3
    rows = outbox(engine)
    assert {r.state for r in rows} == {"pending"}
    assert all("connection refused" in r.last_error for r in rows)
    smtp_server.start()
    # Before the backoff has passed nothing is retried; after it, everything goes once.
    assert send_now(app, smtp_server).sent == 0
    assert send_now(app, smtp_server, ahead=timedelta(minutes=5)).sent == 3
    assert send_now(app, smtp_server, ahead=timedelta(minutes=30)).sent == 0
    assert lost_and_duplicated(expected, smtp_server.message_ids()) == (0, 0)
    assert {r.state for r in outbox(engine)} == {"sent"}
    assert_nobody_suppressed(engine)


def test_a_slow_server_times_out_and_the_message_is_sent_again_at_most_once(
    app, engine, smtp_server
):
    expected = queue_messages(engine, READERS)
    smtp_server.handler.delay_seconds = 2
    run_failing(app, smtp_server, match="timed out", smtp_timeout_seconds=1)
    assert_nobody_suppressed(engine)
    smtp_server.handler.delay_seconds = 0
    send_now(app, smtp_server, ahead=timedelta(minutes=5))
    lost, duplicated = lost_and_duplicated(expected, smtp_server.message_ids())
    # The server accepted the one in flight after the sender gave up: it may arrive twice.
    assert lost == 0 and duplicated <= 1
    assert {r.state for r in outbox(engine)} == {"sent"}


@pytest.mark.parametrize(
    "answer",
    ["554 5.7.1 <a@example.org>: Relay access denied", "530 5.7.0 Authentication required"],
)
def test_a_relay_refusing_to_relay_at_rcpt_is_the_transports_fault(
    app, engine, smtp_server, answer
):
    expected = queue_messages(engine, READERS)
    for email in READERS:
        smtp_server.handler.refuse[email] = answer
    run_failing(app, smtp_server, match=answer.split()[0], mail_max_hard_failures=1)
    assert_nobody_suppressed(engine)
    smtp_server.handler.refuse.clear()
    assert send_now(app, smtp_server, ahead=timedelta(hours=1)).sent == 3
    assert lost_and_duplicated(expected, smtp_server.message_ids()) == (0, 0)
