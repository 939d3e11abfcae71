"""Daily and weekly digests: one per subscriber and period, of the events in that period."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.i18n.mail import MailLocale, mail_locale
from tracker.mail.alerts import PREFIX, _mailable
from tracker.mail.compose import render_mail
from tracker.mail.content import (
    describe_events,
    item_texts,
    mail_identity,
    subscriber_links,
)
from tracker.mail.outbox import enqueue_mail
from tracker.mail.preferences import interest_of
from tracker.mail.tokens import email_fingerprint
from tracker.models import Document, Event, Item, Subscriber, Treaty

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


@dataclass(frozen=True)
class DigestPeriod:
    """One calendar day or week of the digest time zone, as [start, end) in UTC."""

    frequency: str
    label: str
    start: datetime
    end: datetime
    first_day: date
    last_day: date

    def title(self, locale: MailLocale | None = None) -> str:
        """Return how the period reads in a subject: one day, or a week's first and last day."""
        locale = locale or mail_locale(None)
        if self.frequency == "daily":
            return locale.short_day(self.first_day)
        return locale.gettext(
            "%(first)s to %(last)s",
            first=locale.short_day(self.first_day, "dd MMM"),
            last=locale.short_day(self.last_day, "dd MMM y"),
        )

    def heading(self, locale: MailLocale) -> str:
        """Return "Daily digest for …" or "Weekly digest for …" in the locale's words."""
        if self.frequency == "daily":
            return locale.gettext("Daily digest for %(period)s", period=self.title(locale))
        return locale.gettext("Weekly digest for %(period)s", period=self.title(locale))


def digest_period(
    frequency: str, now: datetime, *, hour: int, weekday: str, zone: str = "UTC"
) -> DigestPeriod:
    """Return the latest day or week (in ``zone``) that has ended and whose hour has come.

    A day's digest goes out from ``hour`` o'clock of the next day; a week (ending on the eve of
    ``weekday``) from ``hour`` o'clock of that weekday.
    """
    tz = ZoneInfo(zone)
    end_day = (now.astimezone(tz) - timedelta(hours=hour)).date()
    if frequency == "weekly":
        end_day -= timedelta(days=(end_day.weekday() - WEEKDAYS.index(weekday)) % 7)
        first_day = end_day - timedelta(days=7)
    elif frequency == "daily":
        first_day = end_day - timedelta(days=1)
    else:
        raise ValueError(f"digests are daily or weekly, not {frequency!r}")

    def midnight(day: date) -> datetime:
        # Local midnight, whatever the day's length (DST), then UTC as everything is stored.
        return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)

    # A label names the period by its first day, so a restart finds the same label and skips it.
    return DigestPeriod(
        frequency=frequency,
        label=f"{frequency}:{first_day.isoformat()}",
        start=midnight(first_day),
        end=midnight(end_day),
        first_day=first_day,
        last_day=end_day - timedelta(days=1),
    )


def _period_events(session: Session, period: DigestPeriod) -> list[Event]:
    return list(
        session.exec(
            select(Event)
            .where(col(Event.occurred_at) >= period.start, col(Event.occurred_at) < period.end)
            .order_by(col(Event.id))
            .limit(DIGEST_EVENT_LIMIT)
        )
    )


def _take_period(session: Session, subscriber: Subscriber, period: DigestPeriod, position: int):
    """Mark the period done for the subscriber; False if another run did it first."""
    # The condition is checked again by the database: of two runs at once, one wins the row
    # (PostgreSQL re-reads it after the other's commit), so each digest and count is once.
    result = session.execute(
        update(Subscriber)
        .where(
            col(Subscriber.id) == subscriber.id,
            or_(
                col(Subscriber.last_digest_period).is_(None),
                col(Subscriber.last_digest_period) != period.label,
            ),
        )
        .values(last_digest_period=period.label, last_event_id=position)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


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
    # In id order: two runs at once meet on the same first row instead of deadlocking.
    for subscriber in session.exec(_mailable(frequency).order_by(col(Subscriber.id))).all():
        counts.subscribers += 1
        if subscriber.last_digest_period == period.label or not _take_period(
            session, subscriber, period, max(subscriber.last_event_id, last_id)
        ):
            counts.already_done += 1
            continue
        interest = interest_of(session, subscriber)
        # Most subscribers share a position and a choice ("everything"): describe once.
        key = (subscriber.last_event_id, interest)
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
        _queue_one(
            session, settings, subscriber, wanted, lapsing, period, now, interest, stale_cache
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
    period: DigestPeriod,
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
    locale = mail_locale(subscriber.language)
    heading = period.heading(locale)
    domain = urlsplit(settings.base_url).hostname or "localhost"
    mail = render_mail(
        "digest",
        recipient=subscriber.email,
        # One subject and one Message-ID per period: each period is its own thread, and a
        # digest sent again is recognisable as the same message.
        subject=f"{PREFIX} {heading}: "
        + locale.ngettext("%(num)d change", "%(num)d changes", len(wanted)),
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
            "stale_texts": item_texts(session, {item.id for item in stale[:STALE_SHOWN]}),
            "stale_total": len(stale),
            "stale_months": settings.stale_item_months,
            "links": links,
        },
        identity=mail_identity(settings),
        unsubscribe_url=links["unsubscribe_url"],
        manage_url=links["manage_url"],
        now=now,
        language=locale.language,
    )
    enqueue_mail(
        session,
        mail,
        kind="digest",
        recipient=subscriber.email,
        dedupe_key=f"digest:{subscriber.id}:{period.label}",
        now=now,
        subscriber_id=subscriber.id,
    )
