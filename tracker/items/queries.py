"""Reading tracked items: the dashboard's list, filters, counts and one item."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.items.statuses import Status
from tracker.items.tags import get_tag, item_ids_tagged
from tracker.models import Document, Item
from tracker.texts.queries import get_text
from tracker.texts.roles import CONTEXT, OPERATIVE

SEARCH_MAX_LENGTH = 200


@dataclass(frozen=True)
class ItemFilter:
    """What the public asked the dashboard to show."""

    status: str | None = None
    addressee: str | None = None
    query: str | None = None
    tag: str | None = None

    @property
    def active(self) -> bool:
        """Return whether any filter narrows the list."""
        return bool(self.status or self.addressee or self.query or self.tag)


@dataclass(frozen=True)
class DashboardRow:
    """An item on the dashboard; ``context`` rows are shown only to keep the nesting."""

    item: Item
    context: bool


def all_items(session: Session, *, document_id: int | None = None) -> list[Item]:
    """Return every item (of one text, when given) in the order of the text."""
    query = select(Item).order_by(col(Item.document_id), col(Item.position))
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    return list(session.exec(query))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matches(item: Item, wanted: ItemFilter) -> bool:
    # Context paragraphs have no status to match: "not assessed" means operative ones only.
    if wanted.status and (item.status != wanted.status or item.role != OPERATIVE):
        return False
    if wanted.addressee and item.addressee != wanted.addressee:
        return False
    return True


def dashboard_rows(
    session: Session, wanted: ItemFilter, *, document_id: int | None = None
) -> list[DashboardRow]:
    """Return the items matching the filter, with their ancestors kept for context."""
    items = all_items(session, document_id=document_id)
    if not wanted.active:
        return [DashboardRow(item, context=False) for item in items]
    matching_ids = {item.id for item in items if _matches(item, wanted)}
    if wanted.query:
        pattern = f"%{_escape_like(wanted.query[:SEARCH_MAX_LENGTH])}%"
        found = session.exec(select(Item.id).where(col(Item.text).ilike(pattern, escape="\\")))
        matching_ids &= set(found)
    if wanted.tag:
        tag = get_tag(session, wanted.tag)
        matching_ids &= item_ids_tagged(session, tag) if tag else set()
    by_id = {item.id: item for item in items}
    shown = set(matching_ids)
    for item_id in matching_ids:
        parent_id = by_id[item_id].parent_id
        while parent_id is not None and parent_id not in shown:
            shown.add(parent_id)
            parent_id = by_id[parent_id].parent_id
    return [
        DashboardRow(item, context=item.id not in matching_ids)
        for item in items
        if item.id in shown
    ]


def status_counts(session: Session, *, document_id: int | None = None) -> dict[str, int]:
    """Return how many operative items (of one text, when given) have each status."""
    query = select(Item.status, func.count()).where(Item.role == OPERATIVE)
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    rows = session.exec(query.group_by(col(Item.status)))
    counts = {status.value: 0 for status in Status}
    counts.update(dict(rows.all()))
    return counts


def context_count(session: Session, *, document_id: int | None = None) -> int:
    """Return how many items (of one text, when given) are context, shown but not counted."""
    query = select(func.count()).select_from(Item).where(Item.role == CONTEXT)
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    return session.exec(query).one()


def addressees(session: Session, *, document_id: int | None = None) -> list[str]:
    """Return the distinct addressees (of one text, when given), alphabetically."""
    query = select(Item.addressee).where(col(Item.addressee).is_not(None)).distinct()
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    return sorted(session.exec(query))


def get_item(session: Session, number: str, *, document_id: int | None = None) -> Item | None:
    """Return the item with that paragraph number (in one text, when given), or None."""
    query = select(Item).where(Item.number == number)
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    return session.exec(query.order_by(col(Item.document_id))).first()


def get_text_item(session: Session, slug: str, number: str) -> tuple[Document, Item] | None:
    """Return a tracked text and its paragraph with that number, or None if either is missing."""
    text = get_text(session, slug)
    item = get_item(session, number, document_id=text.id) if text else None
    return (text, item) if item is not None else None


def child_items(session: Session, item: Item) -> list[Item]:
    """Return an item's direct sub-paragraphs in order."""
    query = select(Item).where(Item.parent_id == item.id).order_by(col(Item.position))
    return list(session.exec(query))


def parent_item(session: Session, item: Item) -> Item | None:
    """Return the paragraph an item belongs to, or None."""
    return session.get(Item, item.parent_id) if item.parent_id is not None else None

