"""Put mail in the outbox: confirmations, immediate alerts and alerts for monitors."""

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.db import begin_write, unit_of_work
from tracker.events import events_after
from tracker.i18n.mail import mail_locale
from tracker.mail.compose import render_mail
from tracker.mail.content import describe_events, mail_identity, subscriber_links
from tracker.mail.preferences import interest_of
from tracker.mail.queueing import enqueue_mail
from tracker.mail.tokens import make_compact_token
from tracker.models import Cursor, Event, Item, ItemReview, Subscriber, User

ALERT_BATCH = 200
MAX_HOLD = timedelta(hours=1)
PREFIX = "[Resolution 2616]"


def queue_confirmation(
    session: Session, settings: Settings, subscriber: Subscriber, *, already: bool, now: datetime
) -> None:
    """Queue the double opt-in mail, or a notice to an address that is already subscribed."""
    links = subscriber_links(settings, subscriber)
    template = "already_subscribed" if already else "confirm"
    locale = mail_locale(subscriber.language)
    if already:
        subject = locale.gettext("You are already subscribed")
    else:
        subject = locale.gettext("Confirm your subscription")
    mail = render_mail(
        template,
        recipient=subscriber.email,
        subject=f"{PREFIX} {subject}",
        context={"links": links, "expiry_hours": settings.unconfirmed_expiry_hours},
        identity=mail_identity(settings),
        unsubscribe_url=links["unsubscribe_url"],
        manage_url=links["manage_url"] if already else None,
        now=now,
        language=locale.language,
    )
    # At most one such mail per address and quarter hour: the form cannot be used to flood one.
    bucket = now.strftime("%Y%m%d%H") + str(now.minute // 15)
    enqueue_mail(
        session,
        mail,
        kind="notice" if already else "confirm",
        recipient=subscriber.email,
        dedupe_key=f"{template}:{subscriber.id}:{bucket}",
        now=now,
        subscriber_id=subscriber.id,
    )


def _mailable(frequency: str):
    return select(Subscriber).where(
        Subscriber.frequency == frequency,
        col(Subscriber.confirmed_at).is_not(None),
        col(Subscriber.suppressed_at).is_(None),
    )


def coalesce(events: list, window: timedelta) -> list[list]:
    """Group events (oldest first) into runs whose neighbours are at most ``window`` apart.

    A window of 0 combines nothing: one message per change.
    """
    runs: list[list] = []
    for event in events:
        if runs and window and event.occurred_at - runs[-1][-1].occurred_at <= window:
            runs[-1].append(event)
        else:
            runs.append([event])
    return runs


def _still_growing(run: list, now: datetime, window: timedelta) -> bool:
    # A run waits until ``window`` has passed since its newest event (another may join it),
    # but never longer than MAX_HOLD since its oldest: "immediate" stays immediate.
    return now < run[-1].occurred_at + window and now < run[0].occurred_at + MAX_HOLD


def queue_immediate_alerts(session: Session, settings: Settings, *, now: datetime) -> int:
    """Queue one email per run of close matching events for each immediate subscriber."""
    queued = 0
    window = timedelta(minutes=settings.alert_coalesce_minutes)
    latest = session.exec(select(Event.id).order_by(col(Event.id).desc())).first() or 0
    # Every 30 seconds: only subscribers behind the log's end are read at all.
    behind = _mailable("immediate").where(col(Subscriber.last_event_id) < latest)
    for subscriber in session.exec(behind).all():
        events = events_after(session, subscriber.last_event_id, limit=ALERT_BATCH)
        if not events:
            continue
        interest = interest_of(session, subscriber)
        runs = coalesce([e for e in events if interest.wants(e)], window)
        handled = events[-1].id
        if runs and _still_growing(runs[-1], now, window):
            # Everything before the waiting run is handled; the run is read again next time.
            handled = runs.pop()[0].id - 1
        for run in runs:
            queued += _queue_alert(session, settings, subscriber, run, now=now)
        # The position moves in the same transaction that stores the messages.
        if handled > subscriber.last_event_id:
            subscriber.last_event_id = handled
            session.add(subscriber)
    return queued


def _queue_alert(
    session: Session, settings: Settings, subscriber: Subscriber, run: list, *, now: datetime
) -> int:
    events = describe_events(session, settings, run)
    links = subscriber_links(settings, subscriber)
    locale = mail_locale(subscriber.language)
    subject = events[0].summary
    if len(events) > 1:
        # The summary is stored text (English); the words around it are the subscriber's.
        subject = locale.gettext(
            "%(count)s changes: %(first)s and more", count=len(events), first=subject
        )
    mail = render_mail(
        "alert",
        recipient=subscriber.email,
        subject=f"{PREFIX} {subject}",
        context={"events": events, "links": links},
        identity=mail_identity(settings),
        unsubscribe_url=links["unsubscribe_url"],
        manage_url=links["manage_url"],
        now=now,
        language=locale.language,
    )
    stored = enqueue_mail(
        session,
        mail,
        kind="alert",
        recipient=subscriber.email,
        # Runs never overlap, so the first event names the run.
        dedupe_key=f"alert:{subscriber.id}:{run[0].id}",
        now=now,
        subscriber_id=subscriber.id,
    )
    return 1 if stored else 0


def queue_due_alerts(engine: Engine, settings: Settings, *, now: datetime) -> dict[str, int]:
    """Queue, in one commit, the alerts for events not yet handled (immediate and monitors)."""
    with unit_of_work(engine) as session:
        begin_write(session)
        return {
            "alerts_queued": queue_immediate_alerts(session, settings, now=now),
            "monitor_alerts_queued": queue_monitor_alerts(session, settings, now=now),
        }


def _cursor(session: Session, name: str) -> Cursor:
    cursor = session.get(Cursor, name)
    if cursor is None:
        cursor = Cursor(name=name, position=0)
        session.add(cursor)
        session.flush()
    return cursor


def queue_monitor_alerts(session: Session, settings: Settings, *, now: datetime) -> int:
    """Tell monitors about failing sources and treaty changes that wait for their review."""
    failing_cursor = _cursor(session, "monitor-alerts:events")
    review_cursor = _cursor(session, "monitor-alerts:reviews")
    failing = session.exec(
        select(Event)
        .where(col(Event.id) > failing_cursor.position, Event.kind == "source_failing")
        .order_by(col(Event.id))
    ).all()
    reviews = session.exec(
        select(ItemReview, Item)
        .join(Item, col(Item.id) == col(ItemReview.item_id))
        .where(col(ItemReview.id) > review_cursor.position)
        .order_by(col(ItemReview.id))
    ).all()
    last_event = session.exec(select(Event.id).order_by(col(Event.id).desc())).first() or 0
    failing_cursor.position = last_event
    if reviews:
        review_cursor.position = reviews[-1][0].id
    session.add_all([failing_cursor, review_cursor])
    if not failing and not reviews:
        return 0
    queued = 0
    monitors = session.exec(
        select(User).where(col(User.is_active).is_(True), col(User.alerts_enabled).is_(True))
    ).all()
    key = f"{failing_cursor.position}:{review_cursor.position}"
    for user in monitors:
        # Compact: the link is the List-Unsubscribe header, one line of at most 78 octets.
        token = make_compact_token(
            settings.secret_key, purpose="monitor-alerts", subscriber_id=user.id, email=user.email
        )
        mail = render_mail(
            "monitor_alert",
            recipient=user.email,
            subject=f"{PREFIX} Needs attention: "
            + ", ".join(
                part
                for part in (
                    f"{len(failing)} failing source(s)" if failing else "",
                    f"{len(reviews)} treaty change(s) to review" if reviews else "",
                )
                if part
            ),
            context={
                "failing": describe_events(session, settings, list(failing)),
                "reviews": [(review, item) for review, item in reviews],
                "reviews_url": f"{settings.base_url}/reviews",
                "sources_url": f"{settings.base_url}/sources",
            },
            identity=mail_identity(settings),
            unsubscribe_url=f"{settings.base_url}/account/alerts/{token}",
            manage_url=None,
            now=now,
        )
        if enqueue_mail(
            session,
            mail,
            kind="monitor_alert",
            recipient=user.email,
            dedupe_key=f"monitor:{user.id}:{key}",
            now=now,
        ):
            queued += 1
    return queued
