"""Paragraph lineage across texts: a newer paragraph marked as the successor of an older one.

The one writer of ``ItemLineage`` rows is ``mark_successor``; it takes the session and does not
commit. Each mark is an event ("item_lineage_marked") on the newer paragraph, so the change feed,
the paragraph's history and subscribers see it.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tracker.events import Person, append_item_event
from tracker.models import Document, Item, ItemLineage


class LineageError(ValueError):
    """Signal a lineage mark that makes no sense (same text, newer predecessor, twice)."""


@dataclass(frozen=True)
class Relative:
    """A paragraph of another text in a lineage, with its text's slug and reference."""

    item: Item
    text: Document


def mark_successor(
    session: Session, item: Item, predecessor: Item, *, actor: Person, now: datetime
) -> ItemLineage:
    """Record that ``item`` continues ``predecessor`` (a paragraph of an earlier text)."""
    newer = session.get(Document, item.document_id)
    older = session.get(Document, predecessor.document_id)
    if newer is None or older is None or newer.id == older.id:
        raise LineageError("a paragraph can only succeed a paragraph of another text")
    if older.dated >= newer.dated:
        raise LineageError(
            f"{older.reference} is not earlier than {newer.reference}: mark it the other way round"
        )
    existing = session.exec(
        select(ItemLineage).where(
            ItemLineage.item_id == item.id, ItemLineage.predecessor_id == predecessor.id
        )
    ).first()
    if existing is not None:
        raise LineageError(f"§{item.number} is already marked as succeeding that paragraph")
    # The name, never the address: who marked it may be shown wherever the mark is.
    mark = ItemLineage(
        item_id=item.id, predecessor_id=predecessor.id, marked_at=now, marked_by=actor.label[:200]
    )
    session.add(mark)
    append_item_event(
        session,
        item,
        kind="item_lineage_marked",
        summary=f"§{item.number}: continues {older.reference} §{predecessor.number}",
        actor=actor,
        now=now,
        payload={
            "predecessor_text": older.slug,
            "predecessor_item": predecessor.number,
        },
    )
    session.flush()
    return mark


def predecessors(session: Session, item: Item) -> list[Relative]:
    """Return the earlier paragraphs this one continues, oldest text first."""
    query = (
        select(Item, Document)
        .join(ItemLineage, col(ItemLineage.predecessor_id) == col(Item.id))
        .join(Document, col(Document.id) == col(Item.document_id))
        .where(ItemLineage.item_id == item.id)
        .order_by(col(Document.dated), col(Item.position))
    )
    return [Relative(found, text) for found, text in session.exec(query)]


def successors(session: Session, item: Item) -> list[Relative]:
    """Return the later paragraphs that continue this one, oldest text first."""
    query = (
        select(Item, Document)
        .join(ItemLineage, col(ItemLineage.item_id) == col(Item.id))
        .join(Document, col(Document.id) == col(Item.document_id))
        .where(ItemLineage.predecessor_id == item.id)
        .order_by(col(Document.dated), col(Item.position))
    )
    return [Relative(found, text) for found, text in session.exec(query)]


def earlier_items(session: Session, item: Item) -> list[Relative]:
    """Return the paragraphs of texts older than the item's, for the monitor's choice."""
    own = session.get(Document, item.document_id)
    query = (
        select(Item, Document)
        .join(Document, col(Document.id) == col(Item.document_id))
        .where(Document.kind != "draft", col(Document.dated) < own.dated)
        .order_by(col(Document.dated), col(Item.position))
    )
    return [Relative(found, text) for found, text in session.exec(query)]
