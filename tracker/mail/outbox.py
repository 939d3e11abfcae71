"""The outbox: claim due messages, record each attempt's outcome.

This module is the one writer of a queued row's state (sending, sent, failed, pending again);
``tracker.mail.queueing`` stores new rows, pending. A sender claims rows under its own owner
token; every later write about a claimed row checks that token, so a sender whose claim expired
and was taken over can no longer mark anything.
"""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, update
from sqlmodel import Session, col, select

from tracker.mail.suppression import count_delivery, count_hard_failure
from tracker.models import OutboxMessage

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


@dataclass(frozen=True)
class RetryPolicy:
    """How often a temporary failure is retried, when an address is suppressed, claim length."""

    max_attempts: int
    max_hard_failures: int
    claim_seconds: int


def _claimable(now: datetime):
    return or_(
        (col(OutboxMessage.state) == "pending") & (col(OutboxMessage.next_attempt_at) <= now),
        (col(OutboxMessage.state) == "sending") & (col(OutboxMessage.claimed_until) < now),
    )


def _held_by(owner: str):
    return (col(OutboxMessage.state) == "sending") & (col(OutboxMessage.claim_owner) == owner)


def claim_due_messages(
    session: Session, *, now: datetime, limit: int, claim_seconds: int, owner: str
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages (and expired claims) for ``owner``; do not commit."""
    candidates = session.exec(
        select(OutboxMessage.id)
        .where(_claimable(now))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    ).all()
    if not candidates:
        return []
    # The same condition again inside the UPDATE: of two senders, only one gets a row.
    claimed = set(
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(candidates), _claimable(now))
            .values(
                state="sending",
                claimed_until=now + timedelta(seconds=claim_seconds),
                claim_owner=owner,
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    session.expire_all()
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(claimed)))
    by_id = {message.id: message for message in rows}
    return [by_id[message_id] for message_id in candidates if message_id in claimed]


def live_claim_owners(session: Session, *, now: datetime) -> set[str]:
    """Return the owners of claims that have not expired yet."""
    rows = session.exec(
        select(OutboxMessage.claim_owner)
        .where(col(OutboxMessage.state) == "sending", col(OutboxMessage.claimed_until) >= now)
        .distinct()
    )
    return {owner for owner in rows.all() if owner}


def expire_claims_of(session: Session, owners: set[str], *, now: datetime) -> None:
    """End the claims of senders known to be dead, so they are claimable at once."""
    if not owners:
        return
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.state) == "sending", col(OutboxMessage.claim_owner).in_(owners))
        .values(claimed_until=now - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )


def renew_claims(
    session: Session, ids: list[int], *, owner: str, now: datetime, claim_seconds: int
) -> set[int]:
    """Extend ``owner``'s claims on these messages; return the ids it still holds."""
    if not ids:
        return set()
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), _held_by(owner))
        .values(claimed_until=now + timedelta(seconds=claim_seconds))
        .execution_options(synchronize_session=False)
    )
    held = session.exec(
        select(OutboxMessage.id).where(col(OutboxMessage.id).in_(ids), _held_by(owner))
    )
    return set(held.all())


@functools.cache
def _mark_sent_statement():
    # Built once: a sender marks thousands of messages a run, each in its own commit.
    return (
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == bindparam("row_id"), _held_by(bindparam("holder")))
        .values(
            state="sent",
            sent_at=bindparam("sent_now"),
            attempts=OutboxMessage.attempts + 1,
            claimed_until=None,
            claim_owner=None,
            last_error=None,
        )
        .returning(OutboxMessage.subscriber_id)
    )


def mark_sent(session: Session, message_id: int, *, owner: str, now: datetime) -> bool:
    """Record that the SMTP server accepted the message; False if ``owner`` lost the claim."""
    values = {"row_id": message_id, "holder": owner, "sent_now": now}
    result = session.connection().execute(_mark_sent_statement(), values)
    row = result.first()
    if row is None:
        return False
    if (subscriber_id := row[0]) is not None:
        count_delivery(session, subscriber_id)
    return True


def mark_failed_attempt(
    session: Session,
    message_id: int,
    *,
    owner: str,
    error: str,
    permanent: bool,
    recipient_fault: bool,
    now: datetime,
    retry: RetryPolicy,
) -> str | None:
    """Record a failed attempt: retry later with backoff, or fail for good.

    Return the message's new state, or None if ``owner`` no longer holds its claim. Only a
    refusal of the recipient (``recipient_fault``) counts against the address.
    """
    message = session.get(OutboxMessage, message_id)
    if message is None or message.state != "sending" or message.claim_owner != owner:
        return None
    attempts = message.attempts + 1
    values = {
        "attempts": attempts,
        "last_error": error[:2000],
        "claimed_until": None,
        "claim_owner": None,
    }
    if permanent or recipient_fault or attempts >= retry.max_attempts:
        values["state"] = "failed"
    else:
        values["state"] = "pending"
        values["next_attempt_at"] = now + backoff(attempts)
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, _held_by(owner))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    if recipient_fault and message.subscriber_id is not None:
        count_hard_failure(
            session, message.subscriber_id, error=error, now=now, limit=retry.max_hard_failures
        )
    return values["state"]


def backoff(attempts: int) -> timedelta:
    """Return how long to wait after the ``attempts``-th failed attempt."""
    return min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)


def release_claims(session: Session, ids: list[int], *, owner: str, now: datetime) -> None:
    """Give ``owner``'s claimed messages back untried, due at once."""
    if not ids:
        return
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), _held_by(owner))
        .values(state="pending", claimed_until=None, claim_owner=None, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
