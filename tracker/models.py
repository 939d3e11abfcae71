"""All table models: documents, items, status history, the event log, users, treaties."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
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

    __table_args__ = (
        Index("ix_event_item_id_id", "item_id", "id"),
        # The item page lists an item's events other than status changes without reading them.
        Index("ix_event_item_id_kind_id", "item_id", "kind", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    occurred_at: datetime = Field(default_factory=utcnow)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    treaty_id: int | None = Field(default=None, foreign_key="treaty.id", index=True)
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
    # Alerts about failing sources and reviews; the link in each alert turns them off.
    alerts_enabled: bool = Field(default=True)


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


class Treaty(SQLModel, table=True):
    """A Council of Europe instrument on the watch-list, with Kazakhstan's current state.

    The state and dates are written only by ``tracker.treaty_changes.record_treaty_change``.
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
    # A backwards move waits here until a second consecutive poll says the same.
    pending_state: str | None = Field(default=None, max_length=30)
    pending_dates: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    pending_since: datetime | None = None


class ItemTreaty(SQLModel, table=True):
    """A link between a paragraph and an instrument it concerns."""

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    treaty_id: int = Field(foreign_key="treaty.id", primary_key=True, index=True)


class RawResponse(SQLModel, table=True):
    """A response of a source, kept as evidence when it differs from the previous one."""

    __table_args__ = (Index("ix_rawresponse_url_id", "url", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=40)
    treaty_id: int | None = Field(default=None, foreign_key="treaty.id")
    url: str = Field(max_length=2000)
    fetched_at: datetime
    status_code: int
    sha256: str = Field(max_length=64)
    content_type: str | None = Field(default=None, max_length=200)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


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
    resolution_event_id: int | None = Field(default=None, foreign_key="event.id")


class SourceStatus(SQLModel, table=True):
    """How the checks of one source went: last check, last success, failures in a row."""

    name: str = Field(primary_key=True, max_length=40)
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_error_at: datetime | None = None
    failing: bool = False
    # ETag / Last-Modified per URL from the last successful check, for conditional requests.
    validators: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class DeadlineNotice(SQLModel, table=True):
    """An invitation milestone already announced; the unique key makes each one happen once."""

    __table_args__ = (UniqueConstraint("treaty_id", "lapses_on", "milestone"),)

    id: int | None = Field(default=None, primary_key=True)
    treaty_id: int = Field(foreign_key="treaty.id")
    lapses_on: date
    milestone: str = Field(max_length=20)  # "90_days", "30_days", "7_days", "lapsed"
    event_id: int = Field(foreign_key="event.id")
    created_at: datetime


class Subscriber(SQLModel, table=True):
    """An email address that asked for alerts or digests (double opt-in)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)
    frequency: str = Field(max_length=20)  # immediate, daily, weekly
    everything: bool = True  # False: only the chosen items and treaties
    created_at: datetime
    confirmed_at: datetime | None = None
    # The subscriber's position in the event log: the last event id mailed (or skipped).
    last_event_id: int = 0
    last_digest_period: str | None = Field(default=None, max_length=40)
    hard_failures: int = 0
    suppressed_at: datetime | None = None


class SubscriptionTopic(SQLModel, table=True):
    """One item or treaty a subscriber chose."""

    __table_args__ = (UniqueConstraint("subscriber_id", "kind", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    kind: str = Field(max_length=10)  # item or treaty
    ref: str = Field(max_length=40)  # the item number or the treaty slug


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
    created_at: datetime
    sent_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Cursor(SQLModel, table=True):
    """A named position in the event log for a job that is not per subscriber."""

    name: str = Field(primary_key=True, max_length=60)
    position: int = 0


class SubscribeAttempt(SQLModel, table=True):
    """A subscribe form sent, counted per network address so the form cannot mail-bomb."""

    __table_args__ = (Index("ix_subscribeattempt_addr_at", "remote_addr", "attempted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    remote_addr: str = Field(max_length=64)
    attempted_at: datetime
