"""The deadlines calendar (RFC 5545): each open invitation's lapse and its 90/30/7-day reminders."""

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event
from sqlmodel import Session, col, select

from tracker.exports.records import Links
from tracker.models import Treaty
from tracker.treaties.deadlines import MILESTONES
from tracker.treaties.queries import treaty_label

PRODUCT = "-//kz-resolution-tracker//Resolution 2616 deadlines//EN"


def open_invitations(session: Session) -> list[Treaty]:
    """Return the treaties with an invitation Kazakhstan has not answered by consenting."""
    # The same rule as the deadlines job: once consent is given, the invitation no longer matters.
    query = (
        select(Treaty)
        .where(col(Treaty.invitation_lapses_on).is_not(None), col(Treaty.consent_on).is_(None))
        .order_by(col(Treaty.position), col(Treaty.id))
    )
    return list(session.exec(query))


def _event(treaty: Treaty, days: int, name: str, links: Links, *, stamp: datetime) -> Event:
    lapses_on = treaty.invitation_lapses_on
    label = treaty_label(treaty)
    event = Event()
    # The same treaty, lapse date and milestone always give the same UID, so a calendar
    # application updates the event instead of adding a copy.
    host = urlsplit(links.base_url).hostname or "localhost"
    event.add("uid", f"{treaty.slug}-{lapses_on.isoformat()}-{name}@{host}")
    event.add("dtstamp", stamp)
    start = lapses_on - timedelta(days=days)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(days=1))
    if days:
        event.add("summary", f"{label}: invitation to accede lapses in {days} days")
    else:
        event.add("summary", f"{label}: invitation to accede lapses today")
    event.add(
        "description",
        f"Kazakhstan's invitation to accede to {label} lapses on {lapses_on.isoformat()}.",
    )
    event.add("url", links.treaty(treaty.slug))
    event.add("transp", "TRANSPARENT")
    return event


def deadlines_calendar(session: Session, links: Links, *, today: date) -> bytes:
    """Return the iCalendar file of every open invitation's lapse and reminders."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Resolution 2616: treaty invitation deadlines")
    stamp = datetime.combine(today, time(0), UTC)
    for treaty in open_invitations(session):
        for days, name in MILESTONES:
            calendar.add_component(_event(treaty, days, name, links, stamp=stamp))
    return calendar.to_ical()
