"""Invitation deadlines: what lapses when, announced at 90, 30 and 7 days and on lapse, once each.

The one writer of ``DeadlineNotice`` rows is ``announce_due_invitations``.
"""

from datetime import date, datetime

from sqlmodel import Session, col, select

from tracker.events import append_event
from tracker.models import DeadlineNotice, Treaty
from tracker.treaties.queries import treaty_label

ACTOR = "deadlines"
#: Milestones in days before the lapse, largest first; 0 is the lapse itself.
MILESTONES = ((90, "90_days"), (30, "30_days"), (7, "7_days"), (0, "lapsed"))


def due_milestone(lapses_on: date, today: date) -> tuple[int, str] | None:
    """Return the milestone reached today, skipping ones a later one has overtaken."""
    days_left = (lapses_on - today).days
    reached = [(days, name) for days, name in MILESTONES if days_left <= days]
    return reached[-1] if reached else None


def announce_due_invitations(session: Session, *, now: datetime) -> dict[str, int]:
    """Append one event per newly reached invitation milestone and return the counts."""
    today = now.date()
    counts = {"invitations": 0, "announced": 0}
    # Once Kazakhstan has consented to a treaty, its invitation no longer matters.
    query = select(Treaty).where(
        col(Treaty.invitation_lapses_on).is_not(None), col(Treaty.consent_on).is_(None)
    )
    for treaty in session.exec(query):
        counts["invitations"] += 1
        milestone = due_milestone(treaty.invitation_lapses_on, today)
        if milestone is not None and _announce(session, treaty, milestone, now=now):
            counts["announced"] += 1
    return counts


def _announce(
    session: Session, treaty: Treaty, milestone: tuple[int, str], *, now: datetime
) -> bool:
    days, name = milestone
    lapses_on = treaty.invitation_lapses_on
    done = session.exec(
        select(DeadlineNotice).where(
            DeadlineNotice.treaty_id == treaty.id,
            DeadlineNotice.lapses_on == lapses_on,
            DeadlineNotice.milestone == name,
        )
    ).first()
    if done is not None:
        return False
    label = treaty_label(treaty)
    if days:
        # A late first run announces the milestone reached with the days actually left.
        days_left = (lapses_on - now.date()).days
        summary = f"{label}: the invitation to accede lapses in {days_left} days, on {lapses_on}"
    else:
        summary = f"{label}: the invitation to accede lapsed on {lapses_on}"
    event = append_event(
        session,
        kind="invitation_deadline",
        summary=summary,
        actor=ACTOR,
        now=now,
        treaty_id=treaty.id,
        payload={"treaty": treaty.slug, "milestone": name, "lapses_on": lapses_on.isoformat()},
    )
    # The unique key (treaty, lapse date, milestone) makes a concurrent second run fail whole.
    session.add(
        DeadlineNotice(
            treaty_id=treaty.id,
            lapses_on=lapses_on,
            milestone=name,
            event_id=event.id,
            created_at=now,
        )
    )
    session.flush()
    return True
