"""Reading the tracked texts: the list, one text by slug, the text of an item."""

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from tracker.models import Document

# Links made before texts had slugs (/items/<n>) meant Resolution 2616's paragraphs.
LEGACY_TEXT = "res-2616"


def list_texts(session: Session) -> list[Document]:
    """Return the tracked texts (committee drafts apart), newest first."""
    # The source (the whole text as loaded) is read only where a page shows it: it is large.
    query = select(Document).where(Document.kind != "draft").options(defer(Document.source))
    return list(session.exec(query.order_by(col(Document.dated).desc(), col(Document.id))))


def get_text(session: Session, slug: str) -> Document | None:
    """Return the tracked text with that slug, or None (drafts are not texts of their own)."""
    query = select(Document).where(Document.slug == slug, Document.kind != "draft")
    return session.exec(query.options(defer(Document.source))).first()


def text_slugs(session: Session) -> dict[int, str]:
    """Return each document's slug by id."""
    return dict(session.exec(select(Document.id, Document.slug)).all())
