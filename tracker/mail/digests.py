"""Daily and weekly digests: one per subscriber and period, covering events after their position."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.events import events_after
from tracker.mail.alerts import PREFIX, _mailable
from tracker.mail.compose import render_mail
from tracker.mail.content import describe_events, interest_of, mail_identity, subscriber_links
from tracker.mail.outbox import enqueue_mail
from tracker.models import Document, Item, Subscriber, Treaty

DIGEST_EVENT_LIMIT = 5000
LAPSING_WITHIN = timedelta(days=90)
STALE_SHOWN = 10
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


def digest_period(
    frequency: str, now: datetime, *, hour: int, weekday: str
) -> tuple[str, datetime]:
    """Return the label and end of the latest period that has ended by ``now`` (UTC)."""
    end = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if end > now:
        end -= timedelta(days=1)
    if frequency == "weekly":
        end -= timedelta(days=(end.weekday() - WEEKDAYS.index(weekday)) % 7)
    elif frequency != "daily":
        raise ValueError(f"digests are daily or weekly, not {frequency!r}")
    # A label names the period by its end, so a restart finds the same label and skips it.
    return f"{frequency}:{end:%Y-%m-%d}", end


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
    label, end = digest_period(
        frequency, now, hour=settings.digest_hour, weekday=settings.digest_weekday
    )
    counts = DigestCounts()
    lapsing = _lapsing_invitations(session, now)
    stale_cache: dict = {}
    # Most subscribers share a position and a choice ("everything"): read and describe once.
    events_from: dict[int, list] = {}
    described: dict[tuple, list] = {}
    for subscriber in session.exec(_mailable(frequency)).all():
        counts.subscribers += 1
        if subscriber.last_digest_period == label:
            counts.already_done += 1
            continue
        if subscriber.last_event_id not in events_from:
            events_from[subscriber.last_event_id] = events_after(
                session, subscriber.last_event_id, limit=DIGEST_EVENT_LIMIT
            )
        events = events_from[subscriber.last_event_id]
        interest = interest_of(session, subscriber)
        key = (subscriber.last_event_id, interest)
        if key not in described:
            described[key] = describe_events(
                session, settings, [e for e in events if interest.wants(e)]
            )
        wanted = described[key]
        if events:
            subscriber.last_event_id = events[-1].id
        subscriber.last_digest_period = label
        session.add(subscriber)
        if not wanted:
            counts.empty += 1
            continue
        _queue_one(
            session, settings, subscriber, wanted, lapsing, label, end, now, interest, stale_cache
        )
        counts.queued += 1
        counts.recipients.append((subscriber.email, len(wanted)))
    return counts


def _queue_one(
    session,
    settings,
    subscriber: Subscriber,
    wanted,
    lapsing,
    label,
    end,
    now,
    interest,
    stale_cache: dict,
) -> None:
    groups: dict[str, list] = {}
    for event in wanted:
        groups.setdefault(event.group, []).append(event)
    scope = None if interest.everything else interest.item_ids
    if scope not in stale_cache:
        stale_cache[scope] = _stale_items(session, now, settings.stale_item_months, scope)
    stale = stale_cache[scope]
    links = subscriber_links(settings, subscriber)
    period_name = "Daily" if label.startswith("daily") else "Weekly"
    mail = render_mail(
        "digest",
        recipient=subscriber.email,
        subject=f"{PREFIX} {period_name} digest to {end:%d %b %Y}: {len(wanted)} change(s)",
        context={
            "groups": groups,
            "count": len(wanted),
            "period_name": period_name,
            "period_end": end,
            "lapsing": lapsing,
            "stale": stale[:STALE_SHOWN],
            "stale_total": len(stale),
            "stale_months": settings.stale_item_months,
            "links": links,
        },
        identity=mail_identity(settings),
        unsubscribe_url=links["unsubscribe_url"],
        manage_url=links["manage_url"],
        now=now,
    )
    enqueue_mail(
        session,
        mail,
        kind="digest",
        recipient=subscriber.email,
        dedupe_key=f"digest:{subscriber.id}:{label}",
        now=now,
        subscriber_id=subscriber.id,
    )
