"""The outbox's claims: one holder per message, renewed, checked on every mark; killed senders."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET
from tests.mail_helpers import BASE_URL, lost_and_duplicated, outbox, queue_messages, send_now
from tracker import clock
from tracker.db import unit_of_work
from tracker.mail.outbox import (
    RetryPolicy,
    claim_due_messages,
    mark_failed_attempt,
    mark_sent,
)

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]

TRACKER = Path(sys.executable).with_name("tracker")


@pytest.mark.postgres
def test_a_sender_killed_after_claiming_is_retried_with_the_same_message_id(
    app, engine, smtp_server
):
    [message_id] = queue_messages(engine, ["reader@example.org"])
    with unit_of_work(engine) as session:
        claim_due_messages(session, now=clock.now(), limit=10, claim_seconds=300, owner="dead")
    # The claiming sender died here. Another sender leaves a live claim alone...
    assert send_now(app, smtp_server, ahead=timedelta(minutes=1)).sent == 0
    # ...and takes it over once the claim has expired.
    assert send_now(app, smtp_server, ahead=timedelta(minutes=6)).sent == 1
    assert smtp_server.message_ids() == [message_id]
    assert send_now(app, smtp_server, ahead=timedelta(minutes=60)).sent == 0


@pytest.mark.postgres
def test_only_the_claim_holder_marks_a_message(engine):
    queue_messages(engine, ["reader@example.org"])
    now = clock.now()
    with unit_of_work(engine) as session:
        [first] = claim_due_messages(session, now=now, limit=1, claim_seconds=60, owner="first")
        first_id = first.id
    later = now + timedelta(seconds=61)
    with unit_of_work(engine) as session:
        [taken] = claim_due_messages(session, now=later, limit=1, claim_seconds=60, owner="second")
        assert taken.id == first_id
    with unit_of_work(engine) as session:
        # The first sender's claim was taken over: it can neither mark it sent nor failed.
        assert not mark_sent(session, first_id, owner="first", now=later)
        assert (
            mark_failed_attempt(
                session,
                first_id,
                owner="first",
                error="x",
                permanent=False,
                recipient_fault=False,
                now=later,
                retry=RetryPolicy(max_attempts=12, max_hard_failures=2, claim_seconds=300),
            )
            is None
        )
        assert mark_sent(session, first_id, owner="second", now=later)
    [row] = outbox(engine)
    assert row.state == "sent" and row.attempts == 1 and row.claim_owner is None


def test_a_message_fails_for_good_after_the_last_attempt(engine):
    queue_messages(engine, ["reader@example.org"])
    retry = RetryPolicy(max_attempts=3, max_hard_failures=2, claim_seconds=60)
    now = clock.now()
    for attempt in range(1, 4):
        with unit_of_work(engine) as session:
            [message] = claim_due_messages(session, now=now, limit=1, claim_seconds=60, owner="s")
            state = mark_failed_attempt(
                session,
                message.id,
                owner="s",
                error="451 later",
                permanent=False,
                recipient_fault=False,
                now=now,
                retry=retry,
            )
        [row] = outbox(engine)
        if attempt < 3:
            # Backoff doubles: 1, 2 minutes after the first and second failures.
            assert state == "pending"
            assert row.next_attempt_at == now + timedelta(minutes=2 ** (attempt - 1))
            now = row.next_attempt_at
        else:
            assert state == "failed" and row.attempts == 3


def _sender_env(app, smtp_server) -> dict[str, str]:
    return os.environ | {
        "TRACKER_DATABASE_URL": app.extensions["tracker_settings"].database_url,
        "TRACKER_SECRET_KEY": TEST_SECRET,
        "TRACKER_BASE_URL": BASE_URL,
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(smtp_server.port),
    }


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@pytest.mark.postgres
def test_killing_a_sender_mid_batch_loses_nothing_and_repeats_at_most_one(app, engine, smtp_server):
    expected = queue_messages(engine, [f"reader{n}@example.org" for n in range(12)])
    smtp_server.handler.delay_seconds = 0.15  # slow enough to kill it mid-batch
    sender = subprocess.Popen(
        [str(TRACKER), "outbox", "send"],
        env=_sender_env(app, smtp_server),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: len(smtp_server.messages) >= 4)
        sender.send_signal(signal.SIGKILL)
    finally:
        sender.wait(timeout=30)
    smtp_server.handler.delay_seconds = 0
    # The next sender on this host sees the claims' process is gone and takes them at once.
    send_now(app, smtp_server)
    lost, duplicated = lost_and_duplicated(expected, smtp_server.message_ids())
    assert lost == 0 and duplicated <= 1
    assert {r.state for r in outbox(engine)} == {"sent"}


def test_a_server_killed_and_restarted_mid_batch_loses_nothing(app, engine, smtp_server):
    import threading

    expected = queue_messages(engine, [f"reader{n}@example.org" for n in range(12)])
    smtp_server.handler.delay_seconds = 0.1
    done = []
    thread = threading.Thread(target=lambda: done.append(send_now(app, smtp_server)))
    thread.start()
    _wait_for(lambda: len(smtp_server.messages) >= 4)
    smtp_server.stop()
    thread.join(timeout=30)
    assert done and done[0].transport_errors
    smtp_server.handler.delay_seconds = 0
    smtp_server.start()
    send_now(app, smtp_server, ahead=timedelta(minutes=5))
    lost, duplicated = lost_and_duplicated(expected, smtp_server.message_ids())
    assert lost == 0 and duplicated <= 1
    assert {r.state for r in outbox(engine)} == {"sent"}


def _claim_as_another_sender(engine, *, owner: str) -> int:
    """Take over every claimed message (as a sender would once the claims expired)."""
    from sqlalchemy import update

    from tracker.models import OutboxMessage

    with unit_of_work(engine) as session:
        return session.execute(
            update(OutboxMessage).where(OutboxMessage.state == "sending").values(claim_owner=owner)
        ).rowcount


def _sender(app, smtp_server, retry: RetryPolicy):
    from tests.mail_helpers import mail_ctx
    from tracker.mail.sending import send_due_mail
    from tracker.mail.settings import smtp_settings

    settings = mail_ctx(app, smtp_server).settings
    return lambda: send_due_mail(
        app.extensions["db_engine"], smtp=smtp_settings(settings), retry=retry, clock=clock.now
    )


def test_claims_are_renewed_while_a_long_batch_goes_on(app, engine, smtp_server, monkeypatch):
    import threading
    from datetime import UTC, datetime

    monkeypatch.setattr(clock, "_fixed", None)  # real time: the claims really expire
    expected = queue_messages(engine, [f"reader{n}@example.org" for n in range(8)])
    smtp_server.handler.delay_seconds = 0.4  # the batch takes ~3 s, the claim lasts 1.5 s
    retry = RetryPolicy(max_attempts=12, max_hard_failures=2, claim_seconds=1.5)
    results = []
    first = threading.Thread(target=lambda: results.append(_sender(app, smtp_server, retry)()))
    first.start()
    _wait_for(lambda: len(smtp_server.messages) >= 1)
    # A second sender keeps looking for expired claims while the first one sends.
    stolen = []
    while first.is_alive():
        with unit_of_work(engine) as session:
            taken = claim_due_messages(
                session, now=datetime.now(UTC), limit=10, claim_seconds=60, owner="second"
            )
            stolen += [m.id for m in taken]
        time.sleep(0.1)
    first.join()
    assert stolen == []
    assert results[0].sent == 8 and results[0].claims_lost == 0
    assert lost_and_duplicated(expected, smtp_server.message_ids()) == (0, 0)


def test_a_sender_whose_claim_was_taken_stops(app, engine, smtp_server):
    import threading

    queue_messages(engine, [f"reader{n}@example.org" for n in range(8)])
    smtp_server.handler.delay_seconds = 0.3
    retry = RetryPolicy(max_attempts=12, max_hard_failures=2, claim_seconds=300)
    results = []
    first = threading.Thread(target=lambda: results.append(_sender(app, smtp_server, retry)()))
    first.start()
    _wait_for(lambda: len(smtp_server.messages) >= 2)
    assert _claim_as_another_sender(engine, owner="second") >= 4
    first.join(30)
    # The message in flight went; its mark found the claim gone, and the sender stopped there.
    assert results[0].claims_lost == 1
    assert results[0].sent <= 3 and len(smtp_server.messages) <= 4
    states = [(r.state, r.claim_owner) for r in outbox(engine)]
    assert states.count(("sending", "second")) >= 4  # left to the sender that holds them


def test_a_claim_of_a_live_process_waits_and_of_a_dead_one_is_taken_at_once(
    app, engine, smtp_server
):
    from tracker.mail.sending import _HOST

    [message_id] = queue_messages(engine, ["reader@example.org"])
    other = subprocess.Popen(["sleep", "60"])
    try:
        with unit_of_work(engine) as session:
            claim_due_messages(
                session,
                now=clock.now(),
                limit=1,
                claim_seconds=300,
                owner=f"{_HOST}:{other.pid}:0123456789ab",
            )
        assert send_now(app, smtp_server).sent == 0  # its process runs: the claim stands
    finally:
        other.kill()
        other.wait()
    assert send_now(app, smtp_server).sent == 1  # gone: taken before the claim expires
    assert smtp_server.message_ids() == [message_id]


def test_a_message_is_not_handed_over_before_the_last_one_is_marked_sent(
    app, engine, smtp_server, monkeypatch
):
    import tracker.mail.sending as sending

    expected = queue_messages(engine, [f"reader{n}@example.org" for n in range(6)])
    real_mark = sending.mark_sent
    unmarked = []

    def slow_mark(session, message_id, **options):
        time.sleep(0.2)  # the next message may start meanwhile, but must not be accepted
        marked = sum(row.state == "sent" for row in outbox(engine))
        unmarked.append(len(smtp_server.messages) - marked)
        return real_mark(session, message_id, **options)

    monkeypatch.setattr(sending, "mark_sent", slow_mark)
    assert send_now(app, smtp_server).sent == 6
    # At every mark, the server holds exactly one message more than the outbox calls sent.
    assert unmarked == [1] * 6
    assert lost_and_duplicated(expected, smtp_server.message_ids()) == (0, 0)
    assert {row.state for row in outbox(engine)} == {"sent"}
