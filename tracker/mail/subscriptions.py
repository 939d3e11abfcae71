"""Subscribers: double opt-in, preferences, unsubscribing, what is stored about them."""

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from tracker.mail.preferences import (
    FREQUENCIES,
    Preferences,
    SubscriptionError,
    preferences_of,
    set_preferences,
    validate_preferences,
)
from tracker.mail.suppression import lift_suppression
from tracker.mail.tokens import (
    TokenError,
    compact_token_id,
    compact_token_matches,
    read_token,
    token_matches,
)
from tracker.models import Event, OutboxMessage, SubscribeAttempt, Subscriber, SubscriptionTopic
from tracker.texts.queries import LEGACY_TEXT
from tracker.users import normalise_email


class SubscriptionGone(TokenError):
    """A valid link whose subscription was deleted (unsubscribed, expired or erased)."""


class TooManyRequests(SubscriptionError):
    """This network address sent the form too often in the last hour."""


def count_subscribe_attempt(
    session: Session, *, remote_addr: str, now: datetime, limit_per_hour: int
) -> None:
    """Record a subscribe request; raise TooManyRequests past the hourly limit."""
    since = now - timedelta(hours=1)
    recent = session.exec(
        select(func.count())
        .select_from(SubscribeAttempt)
        .where(
            SubscribeAttempt.remote_addr == remote_addr,
            col(SubscribeAttempt.attempted_at) >= since,
        )
    ).one()
    if recent >= limit_per_hour:
        raise TooManyRequests(
            "Too many subscription requests from your network in the last hour; try later."
        )
    session.execute(delete(SubscribeAttempt).where(col(SubscribeAttempt.attempted_at) < since))
    session.add(SubscribeAttempt(remote_addr=remote_addr[:64], attempted_at=now))


def find_subscriber(session: Session, email: str) -> Subscriber | None:
    """Return the subscriber with that address, or None."""
    return session.exec(select(Subscriber).where(Subscriber.email == email)).first()


def start_subscription(
    session: Session,
    *,
    email: str,
    wanted: Preferences,
    now: datetime,
    default_text: str = LEGACY_TEXT,
    language: str = "en",
) -> tuple[Subscriber, bool]:
    """Create or refresh an unconfirmed subscriber; return it and whether it was confirmed."""
    email = normalise_email(email)
    wanted = validate_preferences(session, wanted, default_text=default_text)
    subscriber = find_subscriber(session, email)
    if subscriber is not None:
        # A stranger must not change a subscription by knowing the address. A confirmed one
        # stays as it is (a suppressed one gets a new confirmation: confirming it lifts the
        # suppression); an unconfirmed one keeps the first request and gets a new
        # confirmation mail (the owner can change the choices after confirming).
        if subscriber.confirmed_at is not None:
            return subscriber, subscriber.suppressed_at is None
        return subscriber, False
    subscriber = Subscriber(
        email=email, frequency=wanted.frequency, created_at=now, language=language
    )
    session.add(subscriber)
    session.flush()
    set_preferences(session, subscriber, wanted, default_text=default_text)
    return subscriber, False


def confirm_subscriber(session: Session, subscriber: Subscriber, *, now: datetime) -> None:
    """Confirm the address (again, if it was suppressed); mail starts with changes after now."""
    if subscriber.confirmed_at is not None and subscriber.suppressed_at is None:
        return
    if subscriber.suppressed_at is not None:
        # The owner just read our mail at this address: it is deliverable again.
        lift_suppression(session, subscriber)
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.last_event_id = session.exec(select(func.max(Event.id))).one() or 0
    session.add(subscriber)


def delete_subscriber(session: Session, subscriber: Subscriber) -> None:
    """Forget a subscriber: topics, mail not yet sent, mail sent, and the address."""
    session.execute(
        delete(SubscriptionTopic).where(col(SubscriptionTopic.subscriber_id) == subscriber.id)
    )
    session.execute(
        delete(OutboxMessage).where(
            (col(OutboxMessage.subscriber_id) == subscriber.id)
            | (col(OutboxMessage.recipient) == subscriber.email)
        )
    )
    session.delete(subscriber)
    session.flush()


def expire_unconfirmed(session: Session, *, now: datetime, max_age: timedelta) -> int:
    """Delete subscriptions never confirmed within ``max_age``; return how many."""
    stale = session.exec(
        select(Subscriber).where(
            col(Subscriber.confirmed_at).is_(None), col(Subscriber.created_at) < now - max_age
        )
    ).all()
    for subscriber in stale:
        delete_subscriber(session, subscriber)
    return len(stale)


def subscriber_from_token(
    session: Session,
    secret_key: str,
    token: str,
    *,
    purpose: str,
    max_age_seconds: int | None = None,
) -> Subscriber:
    """Return the subscriber a link's token names, or raise TokenError."""
    compact_id = compact_token_id(token)
    if compact_id is not None:
        return _compact_subscriber(session, secret_key, token, compact_id, purpose=purpose)
    subscriber_id, fingerprint = read_token(
        secret_key, token, purpose=purpose, max_age_seconds=max_age_seconds
    )
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise SubscriptionGone("This subscription no longer exists.")
    # The fingerprint stops a token from acting on a later subscriber that reuses the id.
    if not token_matches(secret_key, fingerprint, subscriber.email):
        raise TokenError("This link is not valid for this subscription.")
    return subscriber


def _compact_subscriber(
    session: Session, secret_key: str, token: str, subscriber_id: int, *, purpose: str
) -> Subscriber:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        # Whether the id once existed cannot be told from a compact token: say what is true.
        raise SubscriptionGone("This subscription no longer exists.")
    if not compact_token_matches(
        secret_key, token, purpose=purpose, subscriber_id=subscriber_id, email=subscriber.email
    ):
        raise TokenError("This link is not valid.")
    return subscriber


def stored_data(session: Session, subscriber: Subscriber) -> dict[str, object]:
    """Return everything stored about a subscriber, for them to see."""
    wanted = preferences_of(session, subscriber)
    messages = session.exec(
        select(OutboxMessage).where(OutboxMessage.recipient == subscriber.email)
    ).all()
    return {
        "email": subscriber.email,
        "subscribed_at": subscriber.created_at,
        "confirmed_at": subscriber.confirmed_at,
        "frequency": FREQUENCIES[subscriber.frequency],
        "everything": subscriber.everything,
        "texts": wanted.texts,
        "items": wanted.items,
        "themes": wanted.tags,
        "treaties": wanted.treaties,
        "document_links": subscriber.documents,
        "emails_stored": len(messages),
        "last_event_mailed": subscriber.last_event_id,
        "hard_bounces_in_a_row": subscriber.hard_failures,
        "suppressed_at": subscriber.suppressed_at,
    }
