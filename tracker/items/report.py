"""What the printable report shows: every paragraph with its status, roll-up and latest note."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.items.queries import all_items
from tracker.items.rollups import Rollup, rollups_by_parent
from tracker.models import Item, StatusChange


@dataclass(frozen=True)
class ReportRow:
    """One paragraph of the report."""

    item: Item
    rollup: Rollup | None
    latest: StatusChange | None


def report_rows(session: Session, *, document_id: int) -> list[ReportRow]:
    """Return every paragraph of a text in order, with its roll-up and latest status change."""
    items = all_items(session, document_id=document_id)
    newest = (
        select(func.max(StatusChange.id))
        .join(Item, col(Item.id) == StatusChange.item_id)
        .where(Item.document_id == document_id)
        .group_by(col(StatusChange.item_id))
    )
    latest = {
        change.item_id: change
        for change in session.exec(select(StatusChange).where(col(StatusChange.id).in_(newest)))
    }
    rollups = rollups_by_parent(items)
    return [ReportRow(item, rollups.get(item.id), latest.get(item.id)) for item in items]
