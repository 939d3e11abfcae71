"""The event log and named positions in it."""


from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from tracker import clock


class Event(SQLModel, table=True):
    """One entry of the change log that feeds the timeline, feed, alerts and digests."""

    __table_args__ = (
        Index("ix_event_item_id_id", "item_id", "id"),
        # The item page lists an item's events other than status changes without reading them.
        Index("ix_event_item_id_kind_id", "item_id", "kind", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    occurred_at: datetime = Field(default_factory=clock.now)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    treaty_id: int | None = Field(default=None, foreign_key="treaty.id", index=True)
    # A user's changes point to the user, so the name shown is the current display name;
    # ``actor`` keeps a job's name, or the user's name when the change was made.
    user_id: int | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(max_length=200)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Cursor(SQLModel, table=True):
    """A named position in the event log for a job that is not per subscriber."""

    name: str = Field(primary_key=True, max_length=60)
    position: int = 0
