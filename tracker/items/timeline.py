"""How many operative paragraphs had each status at the end of each month."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.items.statuses import Status
from tracker.models import Item, StatusChange
from tracker.texts.roles import OPERATIVE

MAX_POINTS = 24
CACHE_SIZE = 64


@dataclass(frozen=True)
class TimelinePoint:
    """The status counts as they stood at the end of one day."""

    on: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_computed: dict[tuple, list[TimelinePoint]] = {}


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
    key = timeline_key(session, start=start, today=today, document_id=document_id)
    return timeline_for(session, key)


def timeline_key(
    session: Session, *, start: date, today: date, document_id: int | None = None
) -> tuple:
    """Return what names a timeline: the same key, the same points (and what shows them)."""
    query = select(Item.id).where(Item.role == OPERATIVE)
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    operative = tuple(sorted(session.exec(query)))
    head = session.exec(select(func.max(StatusChange.id))).one()
    # The history is append-only: the newest change's id (with the operative set and the day)
    # names the answer, so a page view reads two small queries instead of the whole history.
    return (document_id, start, today, head, operative)


def timeline_for(session: Session, key: tuple) -> list[TimelinePoint]:
    """Return the timeline a ``timeline_key`` names, computed once per key."""
    if key not in _computed:
        if len(_computed) >= CACHE_SIZE:
            _computed.pop(next(iter(_computed)), None)
        _document_id, start, today, _head, operative = key
        _computed[key] = _compute(session, set(operative), start=start, today=today)
    return _computed[key]


def _compute(
    session: Session, operative: set[int], *, start: date, today: date
) -> list[TimelinePoint]:
    columns = (
        StatusChange.item_id,
        StatusChange.to_status,
        StatusChange.happened_on,
        StatusChange.changed_at,
        StatusChange.id,
    )
    changes = sorted(
        (row for row in session.exec(select(*columns)) if row[0] in operative),
        key=lambda row: (_happened(row), row[3], row[4]),
    )
    status_of = dict.fromkeys(operative, Status.NOT_ASSESSED.value)
    points, applied = [], 0
    for end in month_ends(start, today):
        # Changes are in the order they happened: each month end applies the next run of them.
        while applied < len(changes) and _happened(changes[applied]) <= end:
            status_of[changes[applied][0]] = changes[applied][1]
            applied += 1
        counts = {status.value: 0 for status in Status}
        for status in status_of.values():
            counts[status] += 1
        points.append(TimelinePoint(on=end, counts=counts))
    return points


def _happened(change) -> date:
    """Return the day a change happened, as the monitor gave it; else the day it was recorded."""
    return change[2] or change[3].date()
