"""The one writer of an item's status: new status, history row and event in one transaction."""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from tracker.events import append_item_event
from tracker.items.statuses import Status, status_label
from tracker.models import Item, StatusChange, User
from tracker.safe_text import UnsafeText, clean_note
from tracker.texts.roles import CONTEXT

NOTE_MAX_LENGTH = 5000
URL_MAX_LENGTH = 2000


class StatusChangeError(ValueError):
    """The requested change cannot be recorded as asked."""


class StaleItemError(StatusChangeError):
    """Someone changed the item after the form was loaded."""

    def __init__(self, item: Item, changes: list[StatusChange]) -> None:
        super().__init__(
            f"§{item.number} was changed by someone else while you were editing it; "
            "review the change below and submit again."
        )
        self.item = item
        self.changes = changes


class ContextItemError(StatusChangeError):
    """The paragraph is context (it notes, welcomes or recalls): it never has a status."""

    def __init__(self, item: Item) -> None:
        super().__init__(
            f"§{item.number} is a context paragraph (it notes, welcomes or recalls and asks "
            "for nothing to be done), so it has no status; classify it as operative first."
        )
        self.item = item


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a logged-in user, or a named job.

    A user is stored by id and shown by the current display name; ``label`` is the name at the
    time of the change (never the address), kept for rows whose user is gone.
    """

    label: str
    user_id: int | None = None

    @classmethod
    def for_user(cls, user: User) -> "Actor":
        """Return the actor for a logged-in user."""
        return cls(label=user.display_name, user_id=user.id)


def validate_evidence_url(url: str | None) -> str | None:
    """Return a cleaned http(s) URL, or None; raise StatusChangeError for anything else."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise StatusChangeError("The evidence link must be a full http:// or https:// URL.")
    if len(url) > URL_MAX_LENGTH or any(c.isspace() or not c.isprintable() for c in url):
        raise StatusChangeError("The evidence link is too long or contains spaces or controls.")
    return url


def record_status_change(
    session: Session,
    item: Item,
    *,
    new_status: str,
    note: str,
    evidence_url: str | None,
    actor: Actor,
    expected_version: int,
    now: datetime,
    happened_on: date | None = None,
) -> StatusChange:
    """Change an item's status, append the history row and the event; do not commit.

    Every path that sets a status (the form, review decisions, document links) comes here, so
    the rule that a context paragraph has no status is kept here and nowhere else.
    """
    if item.role == CONTEXT:
        raise ContextItemError(item)
    try:
        target = Status(new_status)
    except ValueError:
        raise StatusChangeError(f"Unknown status {new_status!r}.") from None
    try:
        note = clean_note(note).strip()
    except UnsafeText as unsafe:
        raise StatusChangeError(str(unsafe)) from None
    if not note:
        raise StatusChangeError("A note explaining the change is required.")
    if len(note) > NOTE_MAX_LENGTH:
        raise StatusChangeError(f"The note is longer than {NOTE_MAX_LENGTH} characters.")
    evidence_url = validate_evidence_url(evidence_url)
    if now.utcoffset() is None:
        raise StatusChangeError("The time of a change must be timezone-aware.")
    if happened_on is not None and happened_on > now.date():
        raise StatusChangeError("The date the change happened cannot be in the future.")

    if item.version != expected_version:
        raise StaleItemError(item, changes_since(session, item, expected_version))
    from_status = item.status
    if from_status == target.value:
        raise StatusChangeError(f"§{item.number} is already “{status_label(from_status)}”.")

    # The conditional UPDATE is the concurrency check: of two submits made from the same
    # version, exactly one matches the row, on SQLite and on PostgreSQL alike.
    claimed = session.execute(
        update(Item)
        .where(col(Item.id) == item.id, col(Item.version) == expected_version)
        .values(status=target.value, status_changed_at=now, version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(item)
    if claimed.rowcount != 1:
        raise StaleItemError(item, changes_since(session, item, expected_version))
    summary = f"§{item.number}: {status_label(from_status)} → {status_label(target.value)}"
    event = append_item_event(
        session,
        item,
        kind="item_status_changed",
        summary=summary,
        actor=actor,
        now=now,
        payload={
            "from": from_status,
            "to": target.value,
            "note": note,
            "evidence_url": evidence_url,
            "happened_on": happened_on.isoformat() if happened_on else None,
        },
    )
    change = StatusChange(
        item_id=item.id,
        event_id=event.id,
        from_status=from_status,
        to_status=target.value,
        changed_at=now,
        happened_on=happened_on,
        user_id=actor.user_id,
        actor=actor.label,
        note=note,
        evidence_url=evidence_url,
    )
    session.add(change)
    session.flush()
    return change


def changes_since(session: Session, item: Item, version: int) -> list[StatusChange]:
    """Return the history rows an item gained after the given version, oldest first."""
    newer = max(item.version - version, 0)
    if newer == 0:
        return []
    query = (
        select(StatusChange)
        .where(StatusChange.item_id == item.id)
        .order_by(col(StatusChange.id).desc())
        .limit(newer)
    )
    return list(reversed(session.exec(query).all()))


def status_history(
    session: Session, item_id: int, *, offset: int = 0, limit: int | None = None
) -> list[StatusChange]:
    """Return an item's status history, newest first, or one page of it."""
    query = (
        select(StatusChange)
        .where(StatusChange.item_id == item_id)
        .order_by(col(StatusChange.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(query))


def status_history_length(session: Session, item_id: int) -> int:
    """Return how many status changes an item has had."""
    query = select(func.count()).select_from(StatusChange).where(StatusChange.item_id == item_id)
    return session.exec(query).one()
