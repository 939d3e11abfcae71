"""The treaty watch-list, Kazakhstan's state on each, its history and deadlines."""


from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Treaty(SQLModel, table=True):
    """A Council of Europe instrument on the watch-list, with Kazakhstan's current state.

    The state and dates are written only by ``tracker.treaties.changes.record_treaty_change``.
    """

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=40)  # "cets-210", "greco"
    kind: str = Field(max_length=20)  # "treaty" or "partial_agreement"
    series: str | None = Field(default=None, max_length=10)  # "ETS" or "CETS"
    number: int | None = None
    short_name: str = Field(max_length=200)
    title: str = Field(max_length=500)
    position: int = 0
    # Partial agreements are not in the signatures API: they are seeded and never polled.
    polled: bool = True
    state: str = Field(max_length=30)
    signed_on: date | None = None
    consent_on: date | None = None
    in_force_on: date | None = None
    denounced_on: date | None = None
    denunciation_effective_on: date | None = None
    suspended_on: date | None = None
    state_origin: str = Field(default="seed", max_length=20)  # "seed" or "poll"
    state_source: str = Field(sa_column=Column(Text, nullable=False))
    state_changed_at: datetime | None = None
    invited_on: date | None = None
    invitation_lapses_on: date | None = None
    invitation_source: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    chart_url: str | None = Field(default=None, max_length=500)
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    # A move that needs confirmation waits here until the next successful poll agrees.
    pending_state: str | None = Field(default=None, max_length=30)
    pending_dates: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    pending_since: datetime | None = None


class ItemTreaty(SQLModel, table=True):
    """A link between a paragraph and an instrument it concerns."""

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    treaty_id: int = Field(foreign_key="treaty.id", primary_key=True, index=True)


class TreatyStateChange(SQLModel, table=True):
    """An append-only row of a treaty's state history, seeded or observed, with its evidence."""

    __table_args__ = (Index("ix_treatystatechange_treaty_id_id", "treaty_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    treaty_id: int = Field(foreign_key="treaty.id")
    event_id: int | None = Field(default=None, foreign_key="event.id")
    origin: str = Field(max_length=20)  # "seed" or "poll"
    from_state: str | None = Field(default=None, max_length=30)
    to_state: str = Field(max_length=30)
    from_dates: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    to_dates: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    changed_at: datetime
    backwards: bool = False
    source: str = Field(sa_column=Column(Text, nullable=False))
    raw_response_id: int | None = Field(default=None, foreign_key="rawresponse.id")


class DeadlineNotice(SQLModel, table=True):
    """An invitation milestone already announced; the unique key makes each one happen once."""

    __table_args__ = (UniqueConstraint("treaty_id", "lapses_on", "milestone"),)

    id: int | None = Field(default=None, primary_key=True)
    treaty_id: int = Field(foreign_key="treaty.id")
    lapses_on: date
    milestone: str = Field(max_length=20)  # "90_days", "30_days", "7_days", "lapsed"
    event_id: int = Field(foreign_key="event.id")
    created_at: datetime
