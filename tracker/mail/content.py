"""Which events concern a subscriber, and how an event reads in an email."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.i18n import N_
from tracker.mail.compose import MailIdentity
from tracker.mail.tokens import make_compact_token, make_token
from tracker.models import Document, Event, Item, Subscriber, Treaty
from tracker.users import actor_name, display_names


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
    """Return the signed manage, unsubscribe and confirm links of a subscriber."""
    token = make_token(
        settings.secret_key,
        purpose="confirm",
        subscriber_id=subscriber.id,
        email=subscriber.email,
    )
    confirm_url = f"{settings.base_url}/subscriptions/confirm/{token}"
    return mail_links(settings, subscriber) | {"confirm_url": confirm_url}


def mail_links(settings: Settings, subscriber: Subscriber) -> dict[str, str]:
    """Return the signed manage and unsubscribe links that every alert and digest carries."""
    manage = make_token(
        settings.secret_key,
        purpose="manage",
        subscriber_id=subscriber.id,
        email=subscriber.email,
    )
    unsubscribe = make_compact_token(
        settings.secret_key,
        purpose="unsubscribe",
        subscriber_id=subscriber.id,
        email=subscriber.email,
    )
    return {
        "manage_url": f"{settings.base_url}/subscriptions/manage/{manage}",
        # Short, so that the List-Unsubscribe header keeps the whole URL on one line.
        "unsubscribe_url": f"{settings.base_url}/unsubscribe/{unsubscribe}",
    }


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
