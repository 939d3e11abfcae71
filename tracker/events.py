"""The event log: every change, with an increasing id, read by every view of what changed."""

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from tracker.models import Document, Event, Item

# Any constant works; it only has to be the same in every process that appends events.
EVENT_LOG_LOCK = 0x7472_6B65


def append_event(
    session: Session,
    *,
    kind: str,
    summary: str,
    actor: str,
    now: datetime,
    user_id: int | None = None,
    item_id: int | None = None,
    treaty_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Append one event to the log and return it with its id.

    ``actor`` is a job's name or a user's display name, never an address; pass ``user_id`` for
    a user so the log shows the user's current name. An event about an item records the slug of
    the item's text as ``payload["text"]``: a paragraph number alone is ambiguous across texts.
    """
    if "@" in actor:
        raise ValueError("an event's actor must be a name, not an address")
    if session.get_bind().dialect.name == "postgresql":
        # Ids come from a sequence: without this, a transaction that took id 7 could commit
        # after one that took id 8, and a reader at "after=8" would never see event 7.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOG_LOCK})
    event = Event(
        kind=kind,
        summary=summary,
        actor=actor,
        user_id=user_id,
        occurred_at=now,
        item_id=item_id,
        treaty_id=treaty_id,
        payload=_with_text(session, item_id, payload or {}),
    )
    session.add(event)
    session.flush()
    return event


class Person(Protocol):
    """Who acts for a change: a display name and, for a user, the user's id."""

    label: str
    user_id: int | None


def append_item_event(
    session: Session,
    item: Item,
    *,
    kind: str,
    summary: str,
    actor: Person,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Append an event about one paragraph, made by a person; the payload names the paragraph."""
    return append_event(
        session,
        kind=kind,
        summary=summary,
        actor=actor.label,
        user_id=actor.user_id,
        now=now,
        item_id=item.id,
        payload={"item": item.number, **(payload or {})},
    )


def _with_text(session: Session, item_id: int | None, payload: dict[str, Any]) -> dict[str, Any]:
    if item_id is None or "text" in payload:
        return payload
    item = session.get(Item, item_id)  # in the session already: its writer just changed it
    if item is None:
        return payload
    # A text's slug never changes: read once per text and session, not once per event.
    slugs = session.info.setdefault("text_slugs", {})
    if item.document_id not in slugs:
        query = select(Document.slug).where(Document.id == item.document_id)
        slugs[item.document_id] = session.exec(query).one()
    return payload | {"text": slugs[item.document_id]}


def events_after(session: Session, after: int, *, limit: int) -> list[Event]:
    """Return up to ``limit`` events with an id above ``after``, oldest first."""
    query = select(Event).where(col(Event.id) > after).order_by(col(Event.id)).limit(limit)
    return list(session.exec(query))


def events_page(session: Session, *, page: int, per_page: int) -> tuple[list[Event], int]:
    """Return one page of the log, newest first, and the number of events in all."""
    total = session.exec(select(func.count()).select_from(Event)).one()
    query = (
        select(Event).order_by(col(Event.id).desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return list(session.exec(query)), total


def latest_events(session: Session, *, limit: int) -> list[Event]:
    """Return the newest events, newest first, without counting the log."""
    return list(session.exec(select(Event).order_by(col(Event.id).desc()).limit(limit)))


def item_events(
    session: Session, item_id: int, *, excluding_kind: str | None = None, limit: int = 50
) -> list[Event]:
    """Return the newest events about one item, newest first."""
    if excluding_kind is None:
        query = select(Event).where(Event.item_id == item_id)
        return list(session.exec(query.order_by(col(Event.id).desc()).limit(limit)))
    # Two ranges around the excluded kind, read through the (item_id, kind, id) index: a plain
    # "kind != x" walks every status change of the item, and those grow with its history.
    found: list[Event] = []
    for other_kinds in (col(Event.kind) < excluding_kind, col(Event.kind) > excluding_kind):
        query = select(Event).where(Event.item_id == item_id, other_kinds)
        found += session.exec(query.order_by(col(Event.kind), col(Event.id).desc()))
    return sorted(found, key=lambda event: event.id, reverse=True)[:limit]
