"""Tracked texts and paragraphs: documents, items, status history, review flags."""


from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker import clock


class Document(SQLModel, table=True):
    """A source text the tracker loaded: an adopted text or a committee draft."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=80)
    kind: str = Field(max_length=20)  # "resolution" or "draft"
    reference: str = Field(max_length=200)  # "Resolution 2616 (2025)"
    title: str = Field(max_length=500)
    dated: date
    source: str = Field(sa_column=Column(Text, nullable=False))
    source_url: str | None = Field(default=None, max_length=500)
    seed_file: str = Field(max_length=200)
    text_sha256: str = Field(max_length=64)
    loaded_at: datetime = Field(default_factory=clock.now)


class Item(SQLModel, table=True):
    """One numbered paragraph of a resolution, tracked with a status."""

    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    number: str = Field(max_length=20)
    parent_id: int | None = Field(default=None, foreign_key="item.id")
    position: int
    depth: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    draft_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    difference: str = Field(max_length=20)  # unchanged, editorial, amended, new
    addressee: str | None = Field(default=None, max_length=200)
    verb: str | None = Field(default=None, max_length=50)
    # "operative" (asks someone to act; counted) or "context"; the parser decides at seed time
    # (tracker.texts.roles), a monitor may correct it (then role_set_by names the monitor).
    role: str = Field(default="operative", max_length=20)
    role_set_by: str | None = Field(default=None, max_length=200)
    status: str = Field(default="not_assessed", max_length=30, index=True)
    status_changed_at: datetime | None = None
    # Bumped by every status change; a form carries the version it was rendered from.
    version: int = Field(default=0)


class StatusChange(SQLModel, table=True):
    """An append-only row of an item's status history."""

    __table_args__ = (Index("ix_statuschange_item_id_id", "item_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    event_id: int = Field(foreign_key="event.id", unique=True)
    from_status: str = Field(max_length=30)
    to_status: str = Field(max_length=30)
    changed_at: datetime
    # The day the change happened in the world, as the monitor says; changed_at is when recorded.
    happened_on: date | None = None
    user_id: int | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(max_length=200)
    note: str = Field(sa_column=Column(Text, nullable=False))
    evidence_url: str | None = Field(default=None, max_length=2000)


class ItemReview(SQLModel, table=True):
    """An item flagged "needs review" after a treaty change, until a monitor decides."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    treaty_change_id: int = Field(foreign_key="treatystatechange.id")
    suggested_status: str = Field(max_length=30)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    resolution: str | None = Field(default=None, max_length=20)  # confirmed, dismissed
    resolved_at: datetime | None = None
    resolved_by: str | None = Field(default=None, max_length=200)
    resolved_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    resolution_event_id: int | None = Field(default=None, foreign_key="event.id")


class Tag(SQLModel, table=True):
    """A theme monitors tag paragraphs with (elections, judiciary, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=60)
    label: str = Field(max_length=100)


class ItemTag(SQLModel, table=True):
    """A paragraph tagged with a theme."""

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, index=True)
