"""Storing mail in the outbox: once per dedupe key, a batch at a time, the rest each on its own."""

import pytest

from tests.mail_helpers import outbox
from tracker import clock
from tracker.db import unit_of_work
from tracker.mail.compose import RenderedMail
from tracker.mail.queueing import QueuedMail, enqueue_many


@pytest.mark.postgres
def test_a_batch_that_meets_a_stored_row_stores_the_others_each_on_its_own(engine):
    def queued(key: str, message_id: str) -> QueuedMail:
        headers = {"From": "t@example.org", "To": f"{key}@example.org", "Message-ID": message_id}
        mail = RenderedMail("Subject", "text", "<p>html</p>", headers, message_id)
        return QueuedMail(mail, kind="digest", recipient=f"{key}@example.org", dedupe_key=key)

    now = clock.now()
    with unit_of_work(engine) as session:
        assert enqueue_many(session, [queued("one", "<1@example.org>")], now=now) == ["one"]
    with unit_of_work(engine) as session:
        # "two" repeats "one"'s Message-ID, as a row stored by another run meanwhile would.
        batch = [queued("two", "<1@example.org>"), queued("three", "<3@example.org>")]
        assert enqueue_many(session, batch, now=now) == ["three"]
        # A key already stored is not stored again, nor counted.
        assert enqueue_many(session, [queued("one", "<9@example.org>")], now=now) == []
    rows = outbox(engine)
    assert [(r.dedupe_key, r.message_id, r.state) for r in rows] == [
        ("one", "<1@example.org>", "pending"),
        ("three", "<3@example.org>", "pending"),
    ]
    assert rows[1].headers["To"] == "three@example.org" and rows[1].next_attempt_at == now
