"""What the outbox holds, for the admin page and the CLI (reads only; outbox.py writes)."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.models import OutboxMessage


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
    rows = session.exec(
        select(OutboxMessage.state, func.count()).group_by(col(OutboxMessage.state))
    )
    counts = {"pending": 0, "sending": 0, "sent": 0, "failed": 0}
    counts.update(dict(rows.all()))
    return counts
