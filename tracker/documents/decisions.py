"""Monitors' decisions on found documents: link to paragraphs (maybe with a status), or dismiss.

The one writer of a document's state, its links and its decision records. A document reaches
a paragraph only through ``link_document``, called for a monitor.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import update
from sqlmodel import Session, col, select

from tracker.documents.matching import watched_text_items
from tracker.events import append_item_event
from tracker.items.status_changes import (
    Actor,
    ContextItemError,
    StatusChangeError,
    record_status_change,
)
from tracker.models import DocumentDecision, DocumentLink, FoundDocument, Item, WatchedSource

NOTE_MAX_LENGTH = 4000


class DecisionError(ValueError):
    """The decision cannot be recorded as asked."""


class Linked(NamedTuple):
    """The links made, and the context paragraphs that were linked but got no status."""

    links: list[DocumentLink]
    no_status: list[str]


def _claim(session: Session, document: FoundDocument, state: str) -> None:
    # The conditional UPDATE decides races: of two monitors deciding at once, one wins.
    claimed = session.execute(
        update(FoundDocument)
        .where(col(FoundDocument.id) == document.id, col(FoundDocument.state) == "new")
        .values(state=state)
        .execution_options(synchronize_session=False)
    )
    session.refresh(document)
    if claimed.rowcount != 1:
        raise DecisionError(f"“{document.title}” was already {document.state} by someone else.")


def _items(session: Session, numbers: list[str]) -> list[Item]:
    numbers = list(dict.fromkeys(n.strip().removeprefix("§") for n in numbers if n.strip()))
    if not numbers:
        raise DecisionError("Choose at least one paragraph to link the document to.")
    items = list(session.exec(watched_text_items().where(col(Item.number).in_(numbers))))
    unknown = sorted(set(numbers) - {item.number for item in items})
    if unknown:
        raise DecisionError(f"No paragraph is numbered {', '.join(unknown)}.")
    return sorted(items, key=lambda item: item.position)


def link_document(
    session: Session,
    document: FoundDocument,
    *,
    item_numbers: list[str],
    actor: Actor,
    now: datetime,
    archive_url: str,
    proposed_status: str | None = None,
    note: str = "",
) -> Linked:
    """Link a document to paragraphs, announce it, and change their status if asked."""
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise DecisionError(f"The note is longer than {NOTE_MAX_LENGTH} characters.")
    items = _items(session, item_numbers)
    _claim(session, document, "linked")
    source = session.get(WatchedSource, document.source_id)
    links, no_status = [], []
    for item in items:
        event = append_item_event(
            session,
            item,
            kind="document_linked",
            summary=f"§{item.number}: document linked: {document.title}",
            actor=actor,
            now=now,
            payload={
                "document_id": document.id,
                "title": document.title,
                "link": document.link,
                "source": source.name if source else None,
                "evidence_url": archive_url,
                "note": note or None,
            },
        )
        link = DocumentLink(document_id=document.id, item_id=item.id, event_id=event.id,
                            linked_at=now, actor=actor.label, user_id=actor.user_id)  # fmt: skip
        session.add(link)
        links.append(link)
        if proposed_status:
            try:
                record_status_change(
                    session, item, new_status=proposed_status,
                    note=note or f"Document: {document.title}", evidence_url=archive_url,
                    actor=actor, expected_version=item.version, now=now,
                )  # fmt: skip
            except ContextItemError:
                # The link still stands; only the status is refused, and the view says so.
                no_status.append(item.number)
            except StatusChangeError as refused:
                raise DecisionError(str(refused)) from None
    _decided(session, document, "linked", actor, now, [i.number for i in items],
             proposed_status, note)  # fmt: skip
    return Linked(links, no_status)


def dismiss_document(
    session: Session, document: FoundDocument, *, actor: Actor, now: datetime, note: str = ""
) -> None:
    """Dismiss a document: it leaves the inbox and reaches no paragraph."""
    _claim(session, document, "dismissed")
    _decided(session, document, "dismissed", actor, now, [], None, note.strip()[:NOTE_MAX_LENGTH])


def _decided(session, document, decision, actor, now, numbers, status, note) -> None:
    session.add(
        DocumentDecision(
            document_id=document.id, decision=decision, item_numbers=numbers,
            proposed_status=status, note=note or None, decided_at=now, actor=actor.label,
            user_id=actor.user_id,
        )
    )  # fmt: skip
    session.flush()


def decisions_of(session: Session, document_id: int) -> list[DocumentDecision]:
    """Return the decisions recorded on a document, oldest first."""
    query = select(DocumentDecision).where(DocumentDecision.document_id == document_id)
    return list(session.exec(query.order_by(col(DocumentDecision.id))))


def item_documents(session: Session, item_id: int) -> list[tuple[DocumentLink, FoundDocument]]:
    """Return the documents linked to a paragraph, newest link first."""
    query = (
        select(DocumentLink, FoundDocument)
        .join(FoundDocument, col(FoundDocument.id) == col(DocumentLink.document_id))
        .where(DocumentLink.item_id == item_id)
        .order_by(col(DocumentLink.id).desc())
    )
    return list(session.exec(query))
