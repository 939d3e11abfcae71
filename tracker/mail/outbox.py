"""The outbox: store rendered mail, claim due messages, record each attempt's outcome.

This module is the one writer of an outbox row's state (pending, sending, sent, failed)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.mail.compose import RenderedMail
from tracker.models import OutboxMessage, Subscriber

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


@dataclass(frozen=True)
class RetryPolicy:
    """How often a temporary failure is retried, and when an address is suppressed."""

    max_attempts: int
    hard_failure_limit: int
    claim_seconds: int = 300


def enqueue_mail(
    session: Session,
    mail: RenderedMail,
    *,
    kind: str,
    recipient: str,
    dedupe_key: str,
    now: datetime,
    subscriber_id: int | None = None,
) -> OutboxMessage | None:
    """Store a message to send; return None if one with the same key exists already."""
    existing = session.exec(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ).first()
    if existing is not None:
        return None
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subscriber_id=subscriber_id,
        dedupe_key=dedupe_key,
        subject=mail.subject,
        text_body=mail.text_body,
        html_body=mail.html_body,
        headers=mail.headers,
        message_id=mail.message_id,
        next_attempt_at=now,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        # Another process stored the same key between our check and our insert.
        return None
    return message


def _claimable(now: datetime):
    return or_(
        (col(OutboxMessage.state) == "pending") & (col(OutboxMessage.next_attempt_at) <= now),
        (col(OutboxMessage.state) == "sending") & (col(OutboxMessage.claimed_until) < now),
    )


def claim_due_messages(
    session: Session, *, now: datetime, limit: int, claim_seconds: int
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages (and expired claims) for this sender; do not commit."""
    candidates = session.exec(
        select(OutboxMessage.id)
        .where(_claimable(now))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    ).all()
    claimed = []
    until = now + timedelta(seconds=claim_seconds)
    for message_id in candidates:
        # The same condition again inside the UPDATE: of two senders, only one gets the row.
        result = session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, _claimable(now))
            .values(state="sending", claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    session.expire_all()
    return [session.get(OutboxMessage, message_id) for message_id in claimed]


def mark_sent(session: Session, message: OutboxMessage, *, now: datetime) -> None:
    """Record that the SMTP server accepted the message."""
    message.state = "sent"
    message.sent_at = now
    message.attempts += 1
    message.claimed_until = None
    message.last_error = None
    session.add(message)


def mark_failed_attempt(
    session: Session,
    message: OutboxMessage,
    *,
    error: str,
    permanent: bool,
    now: datetime,
    retry: RetryPolicy,
) -> None:
    """Record a failed attempt: retry later with backoff, or fail for good."""
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_until = None
    if permanent or message.attempts >= retry.max_attempts:
        message.state = "failed"
        if permanent and message.subscriber_id is not None:
            _count_hard_failure(session, message.subscriber_id, now=now, retry=retry)
    else:
        message.state = "pending"
        delay = min(BACKOFF_FIRST * 2 ** (message.attempts - 1), BACKOFF_MAX)
        message.next_attempt_at = now + delay
    session.add(message)


def release_claim(session: Session, message: OutboxMessage, *, now: datetime) -> None:
    """Give a claimed message back untried, due at once."""
    message.state = "pending"
    message.claimed_until = None
    message.next_attempt_at = now
    session.add(message)


def _count_hard_failure(
    session: Session, subscriber_id: int, *, now: datetime, retry: RetryPolicy
) -> None:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        return
    subscriber.hard_failures += 1
    if subscriber.hard_failures >= retry.hard_failure_limit and subscriber.suppressed_at is None:
        subscriber.suppressed_at = now
    session.add(subscriber)


def outbox_page(
    session: Session, *, state: str | None, page: int, per_page: int
) -> list[OutboxMessage]:
    """Return one page of the outbox, newest first, optionally of one state."""
    query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc())
    if state:
        query = query.where(OutboxMessage.state == state)
    return list(session.exec(query.offset((page - 1) * per_page).limit(per_page)))


def outbox_counts(session: Session) -> dict[str, int]:
    """Return how many messages are in each state."""
    from sqlalchemy import func

    rows = session.exec(
        select(OutboxMessage.state, func.count()).group_by(col(OutboxMessage.state))
    )
    counts = {"pending": 0, "sending": 0, "sent": 0, "failed": 0}
    counts.update(dict(rows.all()))
    return counts
