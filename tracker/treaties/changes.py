"""The one writer of a treaty's state and what the polls saw of it.

- ``record_treaty_change``: state and dates, the history row, the event and the item flags;
- ``record_seeded_state``: the first history row of a treaty loaded from the seeds;
- ``set_pending_change``: the move waiting for confirmation by the next observation (or none);
- ``record_treaty_check``: when the treaty was last checked, last read, and the last error
  (``record_treaty_reads``: the same for many successful reads at once).
"""

from datetime import date, datetime

from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from tracker.events import append_event
from tracker.items.statuses import status_label
from tracker.models import ItemReview, Treaty, TreatyStateChange
from tracker.treaties.queries import (
    dates_json,
    describe_dates,
    treaty_dates,
    treaty_items,
    treaty_label,
)
from tracker.treaties.states import state_label, suggested_status


def record_treaty_change(
    session: Session,
    treaty: Treaty,
    *,
    new_state: str,
    new_dates: dict[str, date | None],
    origin: str,
    source: str,
    actor: str,
    now: datetime,
    raw_response_id: int | None = None,
    evidence_url: str | None = None,
    backwards: bool = False,
) -> TreatyStateChange:
    """Write a treaty's new state and dates, its history row, the event and item flags.

    A poll that only confirms a seeded state writes a "confirmed" event and no item flags.
    Does not commit.
    """
    from_state, from_dates = treaty.state, treaty_dates(treaty)
    state_changed = new_state != from_state
    changed = state_changed or new_dates != from_dates
    label = treaty_label(treaty)
    if changed:
        kind = "treaty_state_changed"
        summary = (
            f"{label}: Kazakhstan {state_label(from_state)} → {state_label(new_state)}"
            f" ({describe_dates(new_dates)})"
        )
    else:
        kind = "treaty_state_confirmed"
        summary = f"{label}: the Treaty Office confirms {state_label(new_state)}"
    if backwards:
        summary += "; a change that needed confirmation, seen in two polls in a row: needs review"
    payload = {
        "treaty": treaty.slug,
        "from": from_state,
        "to": new_state,
        "from_dates": dates_json(from_dates),
        "to_dates": dates_json(new_dates),
        "evidence_id": raw_response_id,
        "evidence_url": evidence_url,
        "backwards": backwards,
    }
    event = append_event(
        session,
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        treaty_id=treaty.id,
        payload=payload,
    )
    for name, value in new_dates.items():
        setattr(treaty, name, value)
    treaty.state = new_state
    treaty.state_origin = origin
    treaty.state_source = source
    if changed:
        treaty.state_changed_at = now
    set_pending_change(session, treaty, None, now=now)
    change = TreatyStateChange(
        treaty_id=treaty.id,
        event_id=event.id,
        origin=origin,
        from_state=from_state,
        to_state=new_state,
        from_dates=dates_json(from_dates),
        to_dates=dates_json(new_dates),
        changed_at=now,
        backwards=backwards,
        source=source,
        raw_response_id=raw_response_id,
    )
    session.add(change)
    session.flush()
    if changed:
        _note_on_items(session, treaty, change, summary, payload, actor, now, state_changed)
    return change


def _note_on_items(
    session: Session,
    treaty: Treaty,
    change: TreatyStateChange,
    summary: str,
    payload: dict,
    actor: str,
    now: datetime,
    state_changed: bool,
) -> None:
    suggestion = suggested_status(change.to_state, old_state=change.from_state)
    for item in treaty_items(session, treaty.id):
        # A confirmed backwards or destructive change is always flagged, even with no new status.
        flag = change.backwards or (state_changed and item.status != suggestion.value)
        text = f"§{item.number}: {summary}"
        if flag:
            text += f". Needs review: suggested status “{status_label(suggestion)}”"
        append_event(
            session,
            kind="item_treaty_changed",
            summary=text,
            actor=actor,
            now=now,
            item_id=item.id,
            treaty_id=treaty.id,
            payload=payload | {"item": item.number, "suggested_status": suggestion.value},
        )
        if flag:
            session.add(
                ItemReview(
                    item_id=item.id,
                    treaty_change_id=change.id,
                    suggested_status=suggestion.value,
                    reason=summary,
                    created_at=now,
                )
            )
    session.flush()


def record_seeded_state(session: Session, treaty: Treaty, *, source: str, now: datetime) -> None:
    """Write the first history row of a treaty just created from the seeds."""
    session.add(
        TreatyStateChange(
            treaty_id=treaty.id,
            origin="seed",
            from_state=None,
            to_state=treaty.state,
            to_dates=dates_json(treaty_dates(treaty)),
            changed_at=now,
            source=source,
        )
    )


def set_pending_change(
    session: Session,
    treaty: Treaty,
    pending: tuple[str, dict[str, date | None]] | None,
    *,
    now: datetime,
) -> None:
    """Hold a (state, dates) move until another observation agrees, or clear it with None."""
    if pending is None:
        if (treaty.pending_state, treaty.pending_dates, treaty.pending_since) == (None,) * 3:
            return  # nothing waits: an unchanged poll writes nothing here
        treaty.pending_state = treaty.pending_dates = treaty.pending_since = None
    else:
        state, dates = pending
        treaty.pending_state, treaty.pending_dates = state, dates_json(dates)
        treaty.pending_since = now
    session.add(treaty)


def record_treaty_check(
    session: Session, treaty: Treaty, *, now: datetime, error: str | None = None
) -> None:
    """Record that the treaty was checked now: read successfully, or failed with ``error``.

    The last error stays after a success (with its time); the failures in a row go back to 0.
    """
    treaty.last_checked_at = now
    if error is None:
        treaty.last_success_at = now
        treaty.consecutive_failures = 0
    else:
        treaty.last_error, treaty.last_error_at = error, now
        treaty.consecutive_failures = (treaty.consecutive_failures or 0) + 1
    session.add(treaty)


# Built once: a poll runs it every time, and building the statement costs more than running it.
_READ_NOW = (
    update(Treaty)
    .where(col(Treaty.id).in_(bindparam("ids", expanding=True)))
    .values(last_checked_at=bindparam("now"), last_success_at=bindparam("now"))
    .values(consecutive_failures=0)
    .execution_options(synchronize_session=False)
)


def record_treaty_reads(session: Session, treaties: list[Treaty], *, now: datetime) -> None:
    """Record that each of these treaties was read successfully now.

    A poll reads every watched treaty: those not failing before are written in one UPDATE and
    their loaded rows given the values as if read back, so they are not flushed again one by
    one; the others go through ``record_treaty_check``.
    """
    steady = [treaty for treaty in treaties if not treaty.consecutive_failures]
    for treaty in treaties:
        if treaty.consecutive_failures:
            record_treaty_check(session, treaty, now=now)
    if not steady:
        return
    session.execute(_READ_NOW, {"ids": [treaty.id for treaty in steady], "now": now})
    for treaty in steady:
        set_committed_value(treaty, "last_checked_at", now)
        set_committed_value(treaty, "last_success_at", now)
        set_committed_value(treaty, "consecutive_failures", 0)
