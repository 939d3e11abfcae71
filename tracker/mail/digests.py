"""Daily and weekly digests: one per subscriber and period, of the events in that period."""

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import case, or_, update
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.i18n.mail import mail_locale
from tracker.mail.alerts import PREFIX, _mailable
from tracker.mail.compose import SharedBodies, render_mail
from tracker.mail.content import (
    describe_events,
    item_texts,
    mail_identity,
    mail_links,
)
from tracker.mail.periods import DigestPeriod, digest_period  # digest_period: also for callers
from tracker.mail.preferences import interest_of
from tracker.mail.queueing import QueuedMail, enqueue_many
from tracker.mail.tokens import email_fingerprint
from tracker.models import Document, Event, Item, Subscriber, Treaty

DIGEST_EVENT_LIMIT = 5000
SUBSCRIBER_BATCH = 100
LAPSING_WITHIN = timedelta(days=90)
STALE_SHOWN = 10


@dataclass
class DigestCounts:
    subscribers: int = 0
    queued: int = 0
    empty: int = 0
    already_done: int = 0
    recipients: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "subscribers": self.subscribers,
            "queued": self.queued,
            "empty": self.empty,
            "already_done": self.already_done,
        }


def _period_events(session: Session, period: DigestPeriod) -> list[Event]:
    return list(
        session.exec(
            select(Event)
            .where(col(Event.occurred_at) >= period.start, col(Event.occurred_at) < period.end)
            .order_by(col(Event.id))
            .limit(DIGEST_EVENT_LIMIT)
        )
    )


def _take_periods(
    session: Session, subscribers: list[Subscriber], period: DigestPeriod, last_id: int
) -> set[int]:
    """Mark the period done for these subscribers; return the ids this run took."""
    ids = [s.id for s in subscribers if s.last_digest_period != period.label]
    if not ids:
        return set()
    not_done = or_(
        col(Subscriber.last_digest_period).is_(None),
        col(Subscriber.last_digest_period) != period.label,
    )
    # Rows locked in id order (PostgreSQL): two runs at once meet on the same first row instead
    # of deadlocking, and the loser re-reads the condition after the winner's commit, so each
    # digest and count is once. SQLite holds the write lock already.
    locked = session.exec(
        select(Subscriber.id)
        .where(col(Subscriber.id).in_(ids), not_done)
        .order_by(col(Subscriber.id))
        .with_for_update()
    ).all()
    if not locked:
        return set()
    position = case(
        (col(Subscriber.last_event_id) > last_id, Subscriber.last_event_id), else_=last_id
    )
    result = session.execute(
        update(Subscriber)
        .where(col(Subscriber.id).in_(locked), not_done)
        .values(last_digest_period=period.label, last_event_id=position)
        .returning(Subscriber.id)
        .execution_options(synchronize_session=False)
    )
    return set(result.scalars())


def _lapsing_invitations(session: Session, now: datetime) -> list[Treaty]:
    today = now.date()
    return list(
        session.exec(
            select(Treaty)
            .where(
                col(Treaty.invitation_lapses_on).is_not(None),
                col(Treaty.invitation_lapses_on) >= today,
                col(Treaty.invitation_lapses_on) <= today + LAPSING_WITHIN,
                col(Treaty.consent_on).is_(None),
            )
            .order_by(col(Treaty.invitation_lapses_on))
        )
    )


def _stale_items(session: Session, now: datetime, months: int, item_ids) -> list[Item]:
    cutoff = now - timedelta(days=30 * months)
    adopted = session.exec(select(Document.dated).where(Document.kind == "resolution")).first()
    stale = []
    for item in session.exec(select(Item).order_by(col(Item.position))):
        if item_ids is not None and item.id not in item_ids:
            continue
        last_move = item.status_changed_at
        if last_move is None and adopted is not None:
            if adopted > cutoff.date():
                continue
            stale.append(item)
        elif last_move is not None and last_move < cutoff:
            stale.append(item)
    return stale


def queue_digests(
    session: Session, settings: Settings, *, frequency: str, now: datetime
) -> DigestCounts:
    """Queue the digest of the latest ended period for every subscriber who has none yet."""
    period = digest_period(
        frequency,
        now,
        hour=settings.digest_hour,
        weekday=settings.digest_weekday,
        zone=settings.digest_timezone,
    )
    counts = DigestCounts()
    lapsing = _lapsing_invitations(session, now)
    stale_cache: dict = {}
    # Read the period's events once; a subscriber gets those after its position (confirmation).
    events = _period_events(session, period)
    last_id = events[-1].id if events else 0
    described: dict[tuple, list] = {}
    shared = SharedBodies()
    after = 0
    # In id order and in batches: memory stays that of one batch, whatever the subscribers.
    while batch := session.exec(
        _mailable(frequency)
        .where(col(Subscriber.id) > after)
        .order_by(col(Subscriber.id))
        .limit(SUBSCRIBER_BATCH)
    ).all():
        after = batch[-1].id
        counts.subscribers += len(batch)
        taken = _take_periods(session, batch, period, last_id)
        counts.already_done += len(batch) - len(taken)
        queued = []
        for subscriber in batch:
            if subscriber.id not in taken:
                continue
            interest = interest_of(session, subscriber)
            # Most subscribers share a position and a choice ("everything"): describe once.
            key = (subscriber.last_event_id, interest, subscriber.language)
            if key not in described:
                described[key] = describe_events(
                    session,
                    settings,
                    [e for e in events if e.id > subscriber.last_event_id and interest.wants(e)],
                )
            wanted = described[key]
            if not wanted:
                counts.empty += 1
                continue
            queued.append(
                _digest(
                    session,
                    settings,
                    subscriber,
                    wanted,
                    lapsing,
                    period,
                    now,
                    interest,
                    stale_cache,
                    shared=shared,
                    share_key=key,
                )
            )
            counts.queued += 1
            counts.recipients.append((subscriber.email, len(wanted)))
        enqueue_many(session, queued, now=now)
        for row in batch:  # written: the session need not hold them any longer
            session.expunge(row)
    return counts


@functools.lru_cache(maxsize=256)
def _heading_and_subject(period: DigestPeriod, language: str, count: int) -> tuple[str, str]:
    # The same for every digest of a period, language and count: written once, not per digest.
    locale = mail_locale(language)
    heading = period.heading(locale)
    changes = locale.ngettext("%(num)d change", "%(num)d changes", count)
    return heading, f"{PREFIX} {heading}: {changes}"


def _digest(
    session,
    settings,
    subscriber: Subscriber,
    wanted,
    lapsing,
    period: DigestPeriod,
    now,
    interest,
    stale_cache: dict,
    *,
    shared: SharedBodies,
    share_key,
) -> QueuedMail:
    groups: dict[str, list] = {}
    for event in wanted:
        groups.setdefault(event.group, []).append(event)
    scope = None if interest.everything else interest.item_ids
    if scope not in stale_cache:
        # The stale paragraphs and their texts' slugs depend on the scope only: read once each.
        stale = _stale_items(session, now, settings.stale_item_months, scope)
        shown = stale[:STALE_SHOWN]
        stale_cache[scope] = (stale, item_texts(session, {item.id for item in shown}))
    stale, stale_texts = stale_cache[scope]
    links = mail_links(settings, subscriber)
    locale = mail_locale(subscriber.language)
    heading, subject = _heading_and_subject(period, locale.language, len(wanted))
    domain = urlsplit(settings.base_url).hostname or "localhost"
    mail = render_mail(
        "digest",
        recipient=subscriber.email,
        # One subject and one Message-ID per period: each period is its own thread, and a
        # digest sent again is recognisable as the same message.
        subject=subject,
        message_id=(
            f"<digest.{period.frequency}.{period.first_day:%Y%m%d}.{subscriber.id}."
            f"{email_fingerprint(settings.secret_key, subscriber.email)[:8]}@{domain}>"
        ),
        context={
            "groups": groups,
            "count": len(wanted),
            "heading": heading,
            "period": period,
            "lapsing": lapsing,
            "stale": stale[:STALE_SHOWN],
            "stale_texts": stale_texts,
            "stale_total": len(stale),
            "stale_months": settings.stale_item_months,
            # No other personal value: the bodies are shared by everyone with the same key.
        },
        identity=mail_identity(settings),
        unsubscribe_url=links["unsubscribe_url"],
        manage_url=links["manage_url"],
        now=now,
        language=locale.language,
        shared=shared,
        share_key=share_key,
    )
    return QueuedMail(
        mail,
        kind="digest",
        recipient=subscriber.email,
        dedupe_key=f"digest:{subscriber.id}:{period.label}",
        subscriber_id=subscriber.id,
    )
