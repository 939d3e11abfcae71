"""Watched feeds and pages, what they answered, the documents found in them and decisions."""


from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker import clock


class WatchedSource(SQLModel, table=True):
    """A feed, listing page or single page checked on its own interval."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=30)
    name: str = Field(max_length=200)
    url: str = Field(max_length=2000)
    kind: str = Field(max_length=20)  # feed, listing, page
    # For listing pages: the CSS selector of one entry (its first link is the entry's link).
    selector: str | None = Field(default=None, max_length=500)
    interval_minutes: int = 360
    # Paragraph numbers ("9.2.1") and keywords this source concerns, used by the matching.
    item_numbers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    paused: bool = True
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=clock.now)
    next_check_at: datetime | None = None


class SourceSnapshot(SQLModel, table=True):
    """One distinct answer of a watched source, kept as evidence (raw body and its hash)."""

    __table_args__ = (Index("ix_sourcesnapshot_source_id_id", "source_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="watchedsource.id")
    url: str = Field(max_length=2000)
    fetched_at: datetime
    sha256: str = Field(max_length=64)
    content_type: str | None = Field(default=None, max_length=200)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # The page's main text (single pages), compared with the next snapshot's.
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class FoundDocument(SQLModel, table=True):
    """A new feed entry, listing entry or page change, waiting for a monitor's decision."""

    __table_args__ = (
        UniqueConstraint("source_id", "key_sha256"),
        Index("ix_founddocument_source_id_link_sha256", "source_id", "link_sha256"),
        Index("ix_founddocument_source_id_content_sha256", "source_id", "content_sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="watchedsource.id")
    snapshot_id: int = Field(foreign_key="sourcesnapshot.id")
    # Hashes of the entry id (or link), of the link and of the entry's content, for dedup.
    key_sha256: str = Field(max_length=64)
    link_sha256: str | None = Field(default=None, max_length=64)
    content_sha256: str = Field(max_length=64)
    title: str = Field(max_length=1000)
    link: str | None = Field(default=None, max_length=2000)
    published_at: datetime | None = None
    found_at: datetime
    text: str = Field(sa_column=Column(Text, nullable=False))
    # Word diff of a changed page: [[op, words], ...] with op equal, insert or delete.
    excerpt: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Ranked paragraphs: [{"item": "11.5", "score": 7.1, "words": [...]}, ...]
    suggestions: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="new", max_length=20, index=True)  # new, linked, dismissed


class DocumentLink(SQLModel, table=True):
    """A document a monitor linked to a paragraph, shown on the paragraph's page."""

    __table_args__ = (UniqueConstraint("document_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="founddocument.id")
    item_id: int = Field(foreign_key="item.id", index=True)
    event_id: int = Field(foreign_key="event.id")
    linked_at: datetime
    actor: str = Field(max_length=200)
    user_id: int | None = Field(default=None, foreign_key="user.id")


class DocumentDecision(SQLModel, table=True):
    """An append-only record of a monitor's decision on a document: who, when, what."""

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="founddocument.id", index=True)
    decision: str = Field(max_length=20)  # linked, dismissed
    item_numbers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    proposed_status: str | None = Field(default=None, max_length=30)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_at: datetime
    actor: str = Field(max_length=200)
    user_id: int | None = Field(default=None, foreign_key="user.id")
