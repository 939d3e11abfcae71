"""Suppressed addresses: counted, suppressed, lifted.

The one writer of a subscriber's ``hard_failures``, ``suppressed_at`` and ``suppressed_reason``.
Only refusals of the address itself count (a 5xx to RCPT TO), and only in a row: a delivery
sets the count back to 0, and so do an admin lifting it and a confirmed opt-in.
"""

import functools
from datetime import datetime

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from tracker.models import Event, Subscriber


def count_hard_failure(
    session: Session, subscriber_id: int, *, error: str, now: datetime, limit: int
) -> None:
    """Count one refusal of the address; suppress it at ``limit`` refusals in a row."""
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        return
    subscriber.hard_failures += 1
    if subscriber.hard_failures >= limit and subscriber.suppressed_at is None:
        subscriber.suppressed_at = now
        subscriber.suppressed_reason = (
            f"{subscriber.hard_failures} permanent refusals in a row; last: {error}"
        )[:2000]
    session.add(subscriber)
    session.flush()


@functools.cache
def _delivered_statement():
    # Built once, run on the connection: the sender counts thousands of deliveries a run.
    return (
        update(Subscriber.__table__)
        .where(col(Subscriber.id) == bindparam("delivered_id"), col(Subscriber.hard_failures) > 0)
        .values(hard_failures=0)
    )


def count_delivery(session: Session, subscriber_id: int) -> None:
    """A message reached the address: its refusals are no longer in a row."""
    session.connection().execute(_delivered_statement(), {"delivered_id": subscriber_id})


def lift_suppression(session: Session, subscriber: Subscriber) -> None:
    """Mail the address again (an admin decided so, or its owner confirmed it anew)."""
    subscriber.suppressed_at = None
    subscriber.suppressed_reason = None
    subscriber.hard_failures = 0
    # Mail resumes with changes from now on, not with a flood of the suppressed time's alerts.
    subscriber.last_event_id = session.exec(select(func.max(Event.id))).one() or 0
    session.add(subscriber)


def suppressed_subscribers(session: Session) -> list[Subscriber]:
    """Return the suppressed addresses, most recently suppressed first."""
    return list(
        session.exec(
            select(Subscriber)
            .where(col(Subscriber.suppressed_at).is_not(None))
            .order_by(col(Subscriber.suppressed_at).desc())
        )
    )
