"""Keyset pages of the public lists: ``after`` is the key of the last row the reader has."""

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from tracker.models import (
    Document,
    Event,
    Item,
    ItemTreaty,
    StatusChange,
    Treaty,
    TreatyStateChange,
)


def _page(session: Session, query, limit: int) -> tuple[list, bool]:
    """Return up to ``limit`` rows and whether more follow (one row more is read to know)."""
    rows = list(session.exec(query.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def items_page(
    session: Session, *, after: Item | None, document_id: int | None, limit: int
) -> tuple[list[Item], bool]:
    """Return paragraphs (of one text, when given) in text order after ``after``."""
    query = select(Item).order_by(col(Item.document_id), col(Item.position))
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    if after is not None:
        same_document = col(Item.document_id) == after.document_id
        query = query.where(
            or_(
                col(Item.document_id) > after.document_id,
                and_(same_document, col(Item.position) > after.position),
            )
        )
    return _page(session, query, limit)


def history_page(
    session: Session, item_id: int, *, after: int | None, limit: int
) -> tuple[list[StatusChange], bool]:
    """Return an item's status changes newest first, older than the change ``after``."""
    query = (
        select(StatusChange)
        .where(StatusChange.item_id == item_id)
        .order_by(col(StatusChange.id).desc())
    )
    if after is not None:
        query = query.where(col(StatusChange.id) < after)
    return _page(session, query, limit)


def all_history(session: Session) -> list[StatusChange]:
    """Return every status change of every paragraph, oldest first."""
    return list(session.exec(select(StatusChange).order_by(col(StatusChange.id))))


def treaties_page(
    session: Session, *, after: Treaty | None, limit: int
) -> tuple[list[Treaty], bool]:
    """Return the watch-list in its order after ``after``, and whether more follow."""
    query = select(Treaty).order_by(col(Treaty.position), col(Treaty.id))
    if after is not None:
        query = query.where(
            or_(
                col(Treaty.position) > after.position,
                and_(col(Treaty.position) == after.position, col(Treaty.id) > after.id),
            )
        )
    return _page(session, query, limit)


def treaty_history_page(
    session: Session, treaty_id: int, *, after: int | None, limit: int
) -> tuple[list[TreatyStateChange], bool]:
    """Return a treaty's state changes newest first, older than the change ``after``."""
    query = (
        select(TreatyStateChange)
        .where(TreatyStateChange.treaty_id == treaty_id)
        .order_by(col(TreatyStateChange.id).desc())
    )
    if after is not None:
        query = query.where(col(TreatyStateChange.id) < after)
    return _page(session, query, limit)


def treaty_item_keys(session: Session) -> dict[int, list[tuple[str, str]]]:
    """Return the (text slug, number) of the paragraphs each treaty concerns, by treaty id."""
    query = (
        select(ItemTreaty.treaty_id, Document.slug, Item.number)
        .join(Item, col(Item.id) == col(ItemTreaty.item_id))
        .join(Document, col(Document.id) == col(Item.document_id))
        .order_by(col(Item.document_id), col(Item.position))
    )
    keys: dict[int, list[tuple[str, str]]] = {}
    for treaty_id, slug, number in session.exec(query):
        keys.setdefault(treaty_id, []).append((slug, number))
    return keys


def item_keys(session: Session) -> dict[int, tuple[str, str]]:
    """Return every paragraph's (text slug, number) by id."""
    query = select(Item.id, Document.slug, Item.number).join(
        Document, col(Document.id) == col(Item.document_id)
    )
    return {item_id: (slug, number) for item_id, slug, number in session.exec(query)}


def item_feed_events(session: Session, item_id: int, *, limit: int) -> list[Event]:
    """Return the newest events about one paragraph, newest first."""
    query = select(Event).where(Event.item_id == item_id).order_by(col(Event.id).desc())
    return list(session.exec(query.limit(limit)))


def treaty_feed_events(session: Session, treaty_id: int, *, limit: int) -> list[Event]:
    """Return the newest events about one treaty, newest first."""
    query = select(Event).where(Event.treaty_id == treaty_id).order_by(col(Event.id).desc())
    return list(session.exec(query.limit(limit)))
