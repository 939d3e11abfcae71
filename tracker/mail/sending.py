"""Send what the outbox holds: claim a batch, one SMTP connection, mark each message."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from tracker.db import begin_write, unit_of_work
from tracker.mail.compose import HeaderInjectionError, build_email
from tracker.mail.outbox import (
    RetryPolicy,
    claim_due_messages,
    mark_failed_attempt,
    mark_sent,
    release_claim,
)
from tracker.mail.smtp import SendError, SmtpConnection, SmtpSettings
from tracker.models import OutboxMessage, Subscriber

# Marks are committed in small groups: a crash loses at most this many marks, and those
# messages are sent again later with the same Message-ID (at-least-once, never silently lost).
MARK_GROUP = 20


@dataclass
class SendCounts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


@dataclass(frozen=True)
class _Claimed:
    id: int
    headers: dict
    text_body: str
    html_body: str
    suppressed: bool


def _claim(engine: Engine, now: datetime, batch_size: int, retry: RetryPolicy) -> list[_Claimed]:
    with unit_of_work(engine) as session:
        begin_write(session)
        messages = claim_due_messages(
            session, now=now, limit=batch_size, claim_seconds=retry.claim_seconds
        )
        claimed = []
        for message in messages:
            subscriber = (
                session.get(Subscriber, message.subscriber_id) if message.subscriber_id else None
            )
            claimed.append(
                _Claimed(
                    id=message.id,
                    headers=dict(message.headers),
                    text_body=message.text_body,
                    html_body=message.html_body,
                    suppressed=bool(subscriber and subscriber.suppressed_at),
                )
            )
        return claimed


def _record(
    engine: Engine,
    outcomes: list[tuple[int, str | None, bool]],
    now: datetime,
    retry: RetryPolicy,
    counts: SendCounts,
) -> None:
    """Write the outcomes (id, error or None, permanent) of sent or failed messages."""
    if not outcomes:
        return
    with unit_of_work(engine) as session:
        for message_id, error, permanent in outcomes:
            message = session.get(OutboxMessage, message_id)
            if error is None:
                mark_sent(session, message, now=now)
                counts.sent += 1
                continue
            mark_failed_attempt(
                session, message, error=error, permanent=permanent, now=now, retry=retry
            )
            if message.state == "failed":
                counts.failed += 1
            else:
                counts.retrying += 1
    outcomes.clear()


def _release(engine: Engine, ids: list[int], now: datetime) -> None:
    with unit_of_work(engine) as session:
        for message_id in ids:
            release_claim(session, session.get(OutboxMessage, message_id), now=now)


def send_due_mail(
    engine: Engine,
    *,
    smtp: SmtpSettings,
    retry: RetryPolicy,
    clock: Callable[[], datetime],
    batch_size: int = 200,
    on_progress: Callable[[int], None] | None = None,
) -> SendCounts:
    """Send every due message, batch by batch, until none is due or the server is down."""
    counts = SendCounts()
    while True:
        batch = _claim(engine, clock(), batch_size, retry)
        if not batch:
            return counts
        outcomes: list[tuple[int, str | None, bool]] = []
        try:
            with SmtpConnection(smtp) as connection:
                for index, claimed in enumerate(batch):
                    if claimed.suppressed:
                        outcomes.append((claimed.id, "address suppressed after hard bounces", True))
                    else:
                        try:
                            connection.send(
                                build_email(claimed.headers, claimed.text_body, claimed.html_body)
                            )
                            outcomes.append((claimed.id, None, False))
                        except HeaderInjectionError as error:
                            outcomes.append((claimed.id, str(error), True))
                        except SendError as error:
                            outcomes.append((claimed.id, str(error), error.permanent))
                            if error.connection_lost:
                                _record(engine, outcomes, clock(), retry, counts)
                                _release(engine, [c.id for c in batch[index + 1 :]], clock())
                                return counts
                    if on_progress:
                        on_progress(1)
                    if len(outcomes) >= MARK_GROUP:
                        _record(engine, outcomes, clock(), retry, counts)
        except SendError as error:
            # The connection could not be opened: every claimed message waits for a retry.
            outcomes = [(c.id, str(error), False) for c in batch]
            _record(engine, outcomes, clock(), retry, counts)
            return counts
        _record(engine, outcomes, clock(), retry, counts)
        if len(batch) < batch_size:
            return counts
