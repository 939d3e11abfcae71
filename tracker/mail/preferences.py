"""What a subscriber wants: the choices as stored, and resolved to the events they cover.

Writer: ``set_preferences`` is the only writer of a subscriber's topics, frequency, scope and
documents switch.

A choice is stored as chosen and resolved when events are matched, so a text's paragraph added
later, a sub-paragraph added later or a paragraph tagged later is included without anyone saving
again. Paragraphs are named "<text slug>:<number>": §9.2.1 of Resolution 2616 is not §9.2.1 of
another text.
"""

from dataclasses import dataclass

from sqlalchemy import and_, delete, false, or_
from sqlmodel import Session, col, select

from tracker.models import (
    Document,
    Event,
    Item,
    ItemTag,
    Subscriber,
    SubscriptionTopic,
    Tag,
    Treaty,
)
from tracker.texts.queries import LEGACY_TEXT

FREQUENCIES = {
    "immediate": "Immediately, one email per change",
    "daily": "A daily digest",
    "weekly": "A weekly digest",
}
TOPIC_KINDS = ("text", "item", "tag", "treaty")

# Source health is for monitors; a treaty change mailed as the treaty's own event is not
# mailed again as each linked item's timeline entry, unless the item itself was chosen.
NOT_FOR_SUBSCRIBERS = {"source_failing", "source_recovered"}
ITEM_ECHO = "item_treaty_changed"
DOCUMENT_EVENTS = {"document_linked"}


class SubscriptionError(ValueError):
    """A subscription request cannot be taken as given."""


@dataclass(frozen=True)
class Preferences:
    """How often, and everything or the chosen texts, paragraphs, tags and treaties."""

    frequency: str
    everything: bool
    items: tuple[str, ...] = ()  # "res-2616:9.2.1"; a bare "9.2.1" means the default text's
    treaties: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    documents: bool = True  # also "a document was linked to a paragraph"

    def chosen(self) -> dict[str, tuple[str, ...]]:
        """Return the choices by topic kind."""
        return {"text": self.texts, "item": self.items, "tag": self.tags, "treaty": self.treaties}


def _qualified(number: str, default_text: str) -> str:
    return number if ":" in number else f"{default_text}:{number.strip().lstrip('§')}"


def validate_preferences(
    session: Session, wanted: Preferences, *, default_text: str = LEGACY_TEXT
) -> Preferences:
    """Return the preferences checked against what exists, or raise SubscriptionError."""
    if wanted.frequency not in FREQUENCIES:
        raise SubscriptionError("Choose how often you want to hear from us.")
    if wanted.everything and any(wanted.chosen().values()):
        # Never resolved silently: the person meant one of the two, we cannot tell which.
        raise SubscriptionError(
            "You chose “every change” and also ticked texts, paragraphs, themes or treaties. "
            "Choose either every change, or “only what I choose” with your ticks."
        )
    if wanted.everything:
        return Preferences(wanted.frequency, True, documents=wanted.documents)
    items = {_qualified(number, default_text) for number in wanted.items}
    known_items = {
        f"{slug}:{number}"
        for slug, number in session.exec(
            select(Document.slug, Item.number).join(Item, col(Item.document_id) == Document.id)
        )
    }
    known_texts = set(session.exec(select(Document.slug).where(Document.kind != "draft")))
    unknown = (
        (items - known_items)
        | (set(wanted.texts) - known_texts)
        | (set(wanted.tags) - set(session.exec(select(Tag.slug))))
        | (set(wanted.treaties) - set(session.exec(select(Treaty.slug))))
    )
    if unknown:
        raise SubscriptionError(f"Unknown choices: {', '.join(sorted(unknown))}.")
    if not (items or wanted.texts or wanted.tags or wanted.treaties):
        raise SubscriptionError(
            "Choose at least one text, paragraph, theme or treaty, or every change."
        )
    return Preferences(
        wanted.frequency,
        False,
        items=tuple(sorted(items)),
        treaties=tuple(sorted(set(wanted.treaties))),
        texts=tuple(sorted(set(wanted.texts))),
        tags=tuple(sorted(set(wanted.tags))),
        documents=wanted.documents,
    )


def set_preferences(
    session: Session,
    subscriber: Subscriber,
    wanted: Preferences,
    *,
    default_text: str = LEGACY_TEXT,
) -> None:
    """Replace a subscriber's frequency, scope, documents switch and topics; do not commit."""
    wanted = validate_preferences(session, wanted, default_text=default_text)
    subscriber.frequency = wanted.frequency
    subscriber.everything = wanted.everything
    subscriber.documents = wanted.documents
    session.add(subscriber)
    session.execute(
        delete(SubscriptionTopic).where(col(SubscriptionTopic.subscriber_id) == subscriber.id)
    )
    for kind, refs in wanted.chosen().items():
        for ref in refs:
            session.add(SubscriptionTopic(subscriber_id=subscriber.id, kind=kind, ref=ref))
    session.flush()


def preferences_of(session: Session, subscriber: Subscriber) -> Preferences:
    """Return a subscriber's current preferences."""
    topics = session.exec(
        select(SubscriptionTopic).where(SubscriptionTopic.subscriber_id == subscriber.id)
    ).all()
    by_kind = {kind: tuple(sorted(t.ref for t in topics if t.kind == kind)) for kind in TOPIC_KINDS}
    return Preferences(
        subscriber.frequency,
        subscriber.everything,
        items=by_kind["item"],
        treaties=by_kind["treaty"],
        texts=by_kind["text"],
        tags=by_kind["tag"],
        documents=subscriber.documents,
    )


@dataclass(frozen=True)
class Interest:
    """The events one subscriber wants, as sets of ids."""

    everything: bool
    item_ids: frozenset[int]
    treaty_ids: frozenset[int]
    documents: bool = True

    def wants(self, event: Event) -> bool:
        """Return whether this event should be mailed to the subscriber."""
        if event.kind in NOT_FOR_SUBSCRIBERS:
            return False
        if event.kind in DOCUMENT_EVENTS and not self.documents:
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


def paragraphs_chosen(items: tuple[str, ...], texts: tuple[str, ...], tags: tuple[str, ...]):
    """Return a condition on Item (joined with its Document): what the choices cover.

    A paragraph includes its sub-paragraphs (§11 covers §11.1 and any §11.6 added later).
    """
    conditions = []
    if texts:
        conditions.append(col(Document.slug).in_(texts))
    for ref in items:
        slug, _, number = ref.partition(":")
        below = col(Item.number).startswith(f"{number}.", autoescape=True)
        conditions.append(and_(Document.slug == slug, or_(Item.number == number, below)))
    if tags:
        tagged = select(ItemTag.item_id).join(Tag, col(Tag.id) == ItemTag.tag_id)
        conditions.append(col(Item.id).in_(tagged.where(col(Tag.slug).in_(tags))))
    return or_(*conditions) if conditions else false()


def interest_of(session: Session, subscriber: Subscriber) -> Interest:
    """Return what a subscriber wants, resolved to ids."""
    if subscriber.everything:
        return Interest(True, frozenset(), frozenset(), subscriber.documents)
    wanted = preferences_of(session, subscriber)
    item_ids = session.exec(
        select(Item.id)
        .join(Document, col(Document.id) == Item.document_id)
        .where(paragraphs_chosen(wanted.items, wanted.texts, wanted.tags))
    )
    treaty_ids = session.exec(select(Treaty.id).where(col(Treaty.slug).in_(wanted.treaties)))
    return Interest(False, frozenset(item_ids), frozenset(treaty_ids), subscriber.documents)
