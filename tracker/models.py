"""All table models: documents, items, status history, the event log, users."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


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
    loaded_at: datetime = Field(default_factory=utcnow)


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
    status: str = Field(default="not_assessed", max_length=30, index=True)
    status_changed_at: datetime | None = None
    # Bumped by every status change; a form carries the version it was rendered from.
    version: int = Field(default=0)


class Event(SQLModel, table=True):
    """One entry of the change log that feeds the timeline, feed, alerts and digests."""

    __table_args__ = (Index("ix_event_item_id_id", "item_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    occurred_at: datetime = Field(default_factory=utcnow)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    actor: str = Field(max_length=200)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class StatusChange(SQLModel, table=True):
    """An append-only row of an item's status history."""

    __table_args__ = (Index("ix_statuschange_item_id_id", "item_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    event_id: int = Field(foreign_key="event.id", unique=True)
    from_status: str = Field(max_length=30)
    to_status: str = Field(max_length=30)
    changed_at: datetime
    user_id: int | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(max_length=200)
    note: str = Field(sa_column=Column(Text, nullable=False))
    evidence_url: str | None = Field(default=None, max_length=2000)


class User(SQLModel, table=True):
    """A monitor or admin who logs in to change statuses."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)  # monitor or admin
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """A login attempt, counted in the database so every web worker sees the same limit."""

    __table_args__ = (
        Index("ix_loginattempt_email_at", "email", "attempted_at"),
        Index("ix_loginattempt_addr_at", "remote_addr", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    remote_addr: str = Field(max_length=64)
    attempted_at: datetime = Field(default_factory=utcnow)
    succeeded: bool


class JobRun(SQLModel, table=True):
    """One run of a scheduled job: when, how it ended, what it counted."""

    __table_args__ = (Index("ix_jobrun_job_id_id", "job_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=60)
    started_at: datetime
    finished_at: datetime | None = None
    outcome: str = Field(default="running", max_length=20)  # running, ok, failed
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    runner: str = Field(max_length=200)  # host and pid of the process that ran it


class SchedulerLease(SQLModel, table=True):
    """Which scheduler process may run jobs (SQLite; PostgreSQL uses an advisory lock)."""

    name: str = Field(primary_key=True, max_length=60)
    holder: str = Field(max_length=200)
    acquired_at: datetime
    expires_at: datetime
