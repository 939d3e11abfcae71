"""Every table model, one module per domain, re-exported here: ``from tracker.models import Item``.

No ``from __future__ import annotations`` in these modules: it breaks SQLModel relationships.
"""

from tracker.models.documents import (
    DocumentDecision,
    DocumentLink,
    FoundDocument,
    SourceSnapshot,
    WatchedSource,
)
from tracker.models.events import Cursor, Event
from tracker.models.items import Document, Item, ItemReview, ItemTag, StatusChange, Tag
from tracker.models.jobs import JobRun, SchedulerLease
from tracker.models.mail import OutboxMessage, SubscribeAttempt, Subscriber, SubscriptionTopic
from tracker.models.sources import RawResponse, SourceStatus
from tracker.models.treaties import DeadlineNotice, ItemTreaty, Treaty, TreatyStateChange
from tracker.models.users import LoginAttempt, User

__all__ = [
    "Cursor",
    "DeadlineNotice",
    "Document",
    "DocumentDecision",
    "DocumentLink",
    "Event",
    "FoundDocument",
    "Item",
    "ItemReview",
    "ItemTag",
    "ItemTreaty",
    "JobRun",
    "LoginAttempt",
    "OutboxMessage",
    "RawResponse",
    "SchedulerLease",
    "SourceSnapshot",
    "SourceStatus",
    "StatusChange",
    "SubscribeAttempt",
    "Subscriber",
    "SubscriptionTopic",
    "Tag",
    "Treaty",
    "TreatyStateChange",
    "User",
    "WatchedSource",
]
