"""Subscribers, their choices, the outbox and the subscribe form's counter."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Subscriber(SQLModel, table=True):
    """An email address that asked for alerts or digests (double opt-in)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)
    frequency: str = Field(max_length=20)  # immediate, daily, weekly
    everything: bool = True  # False: only the chosen texts, items, tags and treaties
    # "document linked" events: a subscriber may want only status and treaty changes.
    documents: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    # The language of the mail: one of the interface's languages.
    language: str = Field(default="en", max_length=8, sa_column_kwargs={"server_default": "en"})
    created_at: datetime
    confirmed_at: datetime | None = None
    # The subscriber's position in the event log: the last event id mailed (or skipped).
    last_event_id: int = 0
    last_digest_period: str | None = Field(default=None, max_length=40)
    # Permanent refusals of the address in a row; a delivery sets it back to 0.
    hard_failures: int = 0
    suppressed_at: datetime | None = None
    suppressed_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SubscriptionTopic(SQLModel, table=True):
    """One text, paragraph, tag or treaty a subscriber chose."""

    __table_args__ = (UniqueConstraint("subscriber_id", "kind", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    kind: str = Field(max_length=10)  # text, item, tag or treaty
    # A text's slug, "<text slug>:<paragraph number>", a tag's slug or a treaty's slug.
    ref: str = Field(max_length=120)


class OutboxMessage(SQLModel, table=True):
    """An email rendered and stored before sending; the sender claims, sends and marks it."""

    __table_args__ = (Index("ix_outboxmessage_state_next", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # confirm, notice, alert, digest, monitor_alert
    recipient: str = Field(max_length=254, index=True)
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id")
    # One message per purpose: a digest per subscriber and period, an alert per event.
    dedupe_key: str = Field(unique=True, max_length=120)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    headers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    message_id: str = Field(unique=True, max_length=200)
    state: str = Field(default="pending", max_length=20)  # pending, sending, sent, failed
    attempts: int = 0
    next_attempt_at: datetime
    claimed_until: datetime | None = None
    # Which sender holds the claim: only that sender may mark the message.
    claim_owner: str | None = Field(default=None, max_length=40)
    created_at: datetime
    sent_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SubscribeAttempt(SQLModel, table=True):
    """A subscribe form sent, counted per network address so the form cannot mail-bomb."""

    __table_args__ = (Index("ix_subscribeattempt_addr_at", "remote_addr", "attempted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    remote_addr: str = Field(max_length=64)
    attempted_at: datetime
