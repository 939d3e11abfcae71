"""How many operative paragraphs had each status at the end of each month."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from tracker.items.statuses import Status
from tracker.models import Item, StatusChange
from tracker.texts.roles import OPERATIVE

MAX_POINTS = 24


@dataclass(frozen=True)
class TimelinePoint:
    """The status counts as they stood at the end of one day."""

    on: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def month_ends(start: date, today: date) -> list[date]:
    """Return the last day of each month from ``start``'s month, with ``today`` as the last."""
    points = []
    month = start.replace(day=1)
    while month <= today:
        following = (month + timedelta(days=32)).replace(day=1)
        points.append(min(following - timedelta(days=1), today))
        month = following
    return points[-MAX_POINTS:]


def status_timeline(
    session: Session, *, start: date, today: date, document_id: int | None = None
) -> list[TimelinePoint]:
    """Return, for each month end since ``start``, how many operative items had each status."""
    query = select(Item.id).where(Item.role == OPERATIVE)
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    operative = set(session.exec(query))
    query = select(StatusChange).order_by(col(StatusChange.id))
    changes = sorted(
        (c for c in session.exec(query) if c.item_id in operative),
        key=lambda c: (_happened(c), c.changed_at, c.id),
    )
    points = []
    for end in month_ends(start, today):
        status_of = dict.fromkeys(operative, Status.NOT_ASSESSED.value)
        for change in changes:
            if _happened(change) <= end:
                status_of[change.item_id] = change.to_status
        counts = {status.value: 0 for status in Status}
        for status in status_of.values():
            counts[status] += 1
        points.append(TimelinePoint(on=end, counts=counts))
    return points


def _happened(change: StatusChange) -> date:
    """Return the day a change happened, as the monitor gave it; else the day it was recorded."""
    return change.happened_on or change.changed_at.date()
