"""Helpers for the hostile-input tests: a snapshot of what must not change, a subscriber."""

from sqlalchemy import text
from sqlmodel import Session, select

from tracker import clock
from tracker.db import unit_of_work
from tracker.mail.content import subscriber_links
from tracker.mail.preferences import Preferences
from tracker.mail.subscriptions import confirm_subscriber, start_subscription
from tracker.models import Item, Subscriber, User

COUNTED = ("event", "statuschange", '"user"', "subscriber", "subscriptiontopic", "outboxmessage")


def snapshot(engine) -> dict:
    """Return what hostile requests must not change: row counts, statuses, users."""
    with Session(engine) as db:
        counts = {t: db.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED}
        items = sorted((i.number, i.status, i.version) for i in db.exec(select(Item)))
        users = sorted(
            (u.email, u.display_name, u.is_active, u.alerts_enabled, u.password_hash)
            for u in db.exec(select(User))
        )
        subscribers = sorted(
            (s.email, s.frequency, s.everything, s.confirmed_at is not None)
            for s in db.exec(select(Subscriber))
        )
    return {"counts": counts, "items": items, "users": users, "subscribers": subscribers}


def make_reader(engine) -> Subscriber:
    """Create and return a confirmed subscriber following §9.2.1 daily."""
    with unit_of_work(engine) as db:
        subscriber, _ = start_subscription(
            db,
            email="reader@example.org",
            wanted=Preferences("daily", False, ("9.2.1",)),
            now=clock.now(),
        )
        confirm_subscriber(db, subscriber, now=clock.now())
    return subscriber


def links_of(app, subscriber) -> dict[str, str]:
    base = app.extensions["tracker_settings"].base_url
    return {
        k: v.removeprefix(base)
        for k, v in subscriber_links(app.extensions["tracker_settings"], subscriber).items()
    }
