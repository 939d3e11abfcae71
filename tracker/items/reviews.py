"""A monitor's decision on an item flagged after a treaty change: confirm or dismiss."""

from datetime import datetime

from sqlmodel import Session

from tracker.events import append_item_event
from tracker.items.status_changes import (
    Actor,
    ContextItemError,
    StatusChangeError,
    record_status_change,
)
from tracker.items.statuses import status_label
from tracker.models import Item, ItemReview, TreatyStateChange
from tracker.safe_text import clean_note


class ReviewError(ValueError):
    """The review cannot be decided as asked."""


def _open(review: ItemReview) -> None:
    if review.resolution is not None:
        raise ReviewError(f"This review was already {review.resolution}.")


def confirm_review(
    session: Session,
    review: ItemReview,
    *,
    actor: Actor,
    note: str,
    evidence_url: str | None,
    now: datetime,
) -> None:
    """Apply the suggested status through the one status writer, noting the treaty change."""
    _open(review)
    item = session.get(Item, review.item_id)
    change = session.get(TreatyStateChange, review.treaty_change_id)
    full_note = f"Confirmed after the treaty change (event #{change.event_id}): {review.reason}"
    if note.strip():
        full_note += f"\n{note.strip()}"
    event_id = None
    if item.status != review.suggested_status:
        try:
            status_change = record_status_change(
                session,
                item,
                new_status=review.suggested_status,
                note=full_note,
                evidence_url=evidence_url,
                actor=actor,
                expected_version=item.version,
                now=now,
            )
        except ContextItemError as refused:
            # Reported on the queue; the review stays open for the monitor to dismiss.
            raise ReviewError(f"{refused} Dismiss this suggestion instead.") from refused
        except StatusChangeError as exc:
            raise ReviewError(str(exc)) from exc
        event_id = status_change.event_id
    else:
        event_id = _resolution_event(session, review, item, "confirmed", full_note, actor, now)
    _resolve(session, review, "confirmed", actor, now, event_id)


def dismiss_review(
    session: Session, review: ItemReview, *, actor: Actor, note: str, now: datetime
) -> None:
    """Keep the item's status and record that the suggestion was dismissed."""
    _open(review)
    item = session.get(Item, review.item_id)
    note = clean_note(note)
    text = f"Dismissed: {review.reason}" + (f"\n{note.strip()}" if note.strip() else "")
    event_id = _resolution_event(session, review, item, "dismissed", text, actor, now)
    _resolve(session, review, "dismissed", actor, now, event_id)


def _resolution_event(session, review, item, resolution, note, actor, now) -> int:
    event = append_item_event(
        session,
        item,
        kind=f"item_review_{resolution}",
        summary=f"§{item.number}: suggested status “{status_label(review.suggested_status)}”"
        f" {resolution}; status stays “{status_label(item.status)}”",
        actor=actor,
        now=now,
        payload={"review": review.id, "note": note},
    )
    return event.id


def _resolve(session, review, resolution, actor, now, event_id) -> None:
    review.resolution = resolution
    review.resolved_at = now
    review.resolved_by = actor.label
    review.resolved_by_user_id = actor.user_id
    review.resolution_event_id = event_id
    session.add(review)
    session.flush()


def review_evidence_id(session: Session, review: ItemReview) -> int | None:
    """Return the id of the raw response behind the treaty change under review."""
    change = session.get(TreatyStateChange, review.treaty_change_id)
    return change.raw_response_id if change else None
