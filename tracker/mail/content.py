"""Which events concern a subscriber, and how an event reads in an email."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import false, or_
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.i18n import N_
from tracker.mail.compose import MailIdentity
from tracker.mail.tokens import make_compact_token, make_token
from tracker.models import Document, Event, Item, Subscriber, SubscriptionTopic, Treaty
from tracker.users import actor_name, display_names

# Source health is for monitors; a treaty change mailed as the treaty's own event is not
# mailed again as each linked item's timeline entry, unless the item itself was chosen.
NOT_FOR_SUBSCRIBERS = {"source_failing", "source_recovered"}
ITEM_ECHO = "item_treaty_changed"


def mail_identity(settings: Settings) -> MailIdentity:
    """Return the sender identity and link base from the settings."""
    host = urlsplit(settings.base_url).hostname or "localhost"
    return MailIdentity(
        mail_from=settings.mail_from,
        reply_to=settings.mail_reply_to,
        base_url=settings.base_url,
        list_id=f"Resolution 2616 follow-up <r2616.{host}>",
    )


def subscriber_links(settings: Settings, subscriber: Subscriber) -> dict[str, str]:
    """Return the signed manage and unsubscribe links of a subscriber."""

    def link(purpose: str, path: str) -> str:
        token = make_token(
            settings.secret_key,
            purpose=purpose,
            subscriber_id=subscriber.id,
            email=subscriber.email,
        )
        return f"{settings.base_url}{path}/{token}"

    unsubscribe = make_compact_token(
        settings.secret_key,
        purpose="unsubscribe",
        subscriber_id=subscriber.id,
        email=subscriber.email,
    )
    return {
        "manage_url": link("manage", "/subscriptions/manage"),
        # Short, so that the List-Unsubscribe header keeps the whole URL on one line.
        "unsubscribe_url": f"{settings.base_url}/unsubscribe/{unsubscribe}",
        "confirm_url": link("confirm", "/subscriptions/confirm"),
    }


@dataclass(frozen=True)
class Interest:
    """The events one subscriber wants, as sets of ids."""

    everything: bool
    item_ids: frozenset[int]
    treaty_ids: frozenset[int]

    def wants(self, event: Event) -> bool:
        """Return whether this event should be mailed to the subscriber."""
        if event.kind in NOT_FOR_SUBSCRIBERS:
            return False
        if event.kind == ITEM_ECHO:
            # The treaty's own event already tells whoever follows everything or the treaty.
            return (
                not self.everything
                and event.item_id in self.item_ids
                and event.treaty_id not in self.treaty_ids
            )
        if self.everything:
            return True
        return event.item_id in self.item_ids or event.treaty_id in self.treaty_ids


def paragraph_and_below(numbers: list[str]):
    """Return a condition on Item: one of these paragraphs or any of its sub-paragraphs.

    The choice is stored as chosen (§11) and resolved here, when events are matched, so a
    sub-paragraph added by a later text (§11.6) is included without anyone saving again.
    """
    if not numbers:
        return false()
    return or_(
        col(Item.number).in_(numbers),
        *(col(Item.number).startswith(f"{number}.", autoescape=True) for number in numbers),
    )


def interest_of(session: Session, subscriber: Subscriber) -> Interest:
    """Return what a subscriber wants, resolved to ids."""
    if subscriber.everything:
        return Interest(True, frozenset(), frozenset())
    topics = session.exec(
        select(SubscriptionTopic).where(SubscriptionTopic.subscriber_id == subscriber.id)
    ).all()
    numbers = [t.ref for t in topics if t.kind == "item"]
    slugs = [t.ref for t in topics if t.kind == "treaty"]
    item_ids = set(session.exec(select(Item.id).where(paragraph_and_below(numbers))))
    treaty_ids = set(session.exec(select(Treaty.id).where(col(Treaty.slug).in_(slugs))))
    return Interest(False, frozenset(item_ids), frozenset(treaty_ids))


@dataclass(frozen=True)
class MailedEvent:
    """An event as the mail templates show it."""

    id: int
    kind: str
    summary: str
    occurred_at: datetime
    actor: str
    note: str | None
    evidence_url: str | None
    url: str
    group: str


def item_texts(session: Session, item_ids: set[int]) -> dict[int, str]:
    """Return the slug of the text each item belongs to, by item id."""
    if not item_ids:
        return {}
    rows = session.exec(
        select(Item.id, Document.slug)
        .join(Document, col(Document.id) == col(Item.document_id))
        .where(col(Item.id).in_(item_ids))
    )
    return dict(rows.all())


def describe_events(session: Session, settings: Settings, events: list[Event]) -> list[MailedEvent]:
    """Return the events with their links and groups for a template."""
    slugs = dict(session.exec(select(Treaty.id, Treaty.slug)).all())
    names = display_names(session)
    texts = item_texts(session, {e.item_id for e in events if e.item_id is not None})
    described = []
    for event in events:
        item = event.payload.get("item")
        if item and event.item_id in texts:
            # The paragraph's own page (/items/<n> only redirects there, for the default text).
            url = f"{settings.base_url}/texts/{texts[event.item_id]}/{item}"
            group = N_("Paragraphs")
        elif item:
            url, group = f"{settings.base_url}/items/{item}", N_("Paragraphs")
        elif event.treaty_id in slugs:
            url, group = f"{settings.base_url}/treaties/{slugs[event.treaty_id]}", N_("Treaties")
        else:
            url, group = f"{settings.base_url}/changes#event-{event.id}", N_("Other changes")
        described.append(
            MailedEvent(
                id=event.id,
                kind=event.kind,
                summary=event.summary,
                occurred_at=event.occurred_at,
                actor=actor_name(event, names),
                note=event.payload.get("note"),
                evidence_url=event.payload.get("evidence_url") or event.payload.get("evidence"),
                url=url,
                group=group,
            )
        )
    return described
