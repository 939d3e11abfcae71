"""Store rendered mail in the outbox, each message once per dedupe key, one or a batch at a time.

The one writer of new outbox rows (state pending); ``tracker.mail.outbox`` moves them on.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.mail.compose import RenderedMail
from tracker.models import OutboxMessage


def enqueue_mail(
    session: Session,
    mail: RenderedMail,
    *,
    kind: str,
    recipient: str,
    dedupe_key: str,
    now: datetime,
    subscriber_id: int | None = None,
) -> OutboxMessage | None:
    """Store a message to send; return None if one with the same key exists already."""
    existing = session.exec(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ).first()
    if existing is not None:
        return None
    message = _outbox_row(mail, kind, recipient, dedupe_key, subscriber_id, now)
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        # Another process stored the same key between our check and our insert.
        return None
    return message


@dataclass(frozen=True)
class QueuedMail:
    """One message for ``enqueue_many``, with what ``enqueue_mail`` takes besides the session."""

    mail: RenderedMail
    kind: str
    recipient: str
    dedupe_key: str
    subscriber_id: int | None = None

    def options(self) -> dict:
        """Return the keyword arguments of ``enqueue_mail`` besides the mail and the time."""
        return {k: getattr(self, k) for k in ("kind", "recipient", "dedupe_key", "subscriber_id")}


def enqueue_many(session: Session, queued: list[QueuedMail], *, now: datetime) -> list[str]:
    """Store messages whose key is new, in one query and one insert; return the keys stored.

    The rows go in as one Core ``executemany``, not as ORM objects: a digest run stores
    thousands, and the session never holds them.
    """
    keys = [q.dedupe_key for q in queued]
    existing = set(
        session.exec(
            select(OutboxMessage.dedupe_key).where(col(OutboxMessage.dedupe_key).in_(keys))
        )
    )
    fresh = list({q.dedupe_key: q for q in queued if q.dedupe_key not in existing}.values())
    if not fresh:
        return []
    rows = [
        _outbox_values(q.mail, q.kind, q.recipient, q.dedupe_key, q.subscriber_id, now)
        for q in fresh
    ]
    try:
        with session.begin_nested():
            session.connection().execute(insert(OutboxMessage.__table__), rows)
    except IntegrityError:
        # Another process stored one of these keys meanwhile: each on its own, as it comes.
        stored = []
        for q in fresh:
            message = enqueue_mail(session, q.mail, **q.options(), now=now)
            if message is not None:
                stored.append(q.dedupe_key)
                session.expunge(message)
        return stored
    return [q.dedupe_key for q in fresh]


def _outbox_values(mail: RenderedMail, kind, recipient, dedupe_key, subscriber_id, now) -> dict:
    return {
        "kind": kind,
        "recipient": recipient,
        "subscriber_id": subscriber_id,
        "dedupe_key": dedupe_key,
        "subject": mail.subject,
        "text_body": mail.text_body,
        "html_body": mail.html_body,
        "headers": mail.headers,
        "message_id": mail.message_id,
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def _outbox_row(mail: RenderedMail, kind, recipient, dedupe_key, subscriber_id, now):
    return OutboxMessage(**_outbox_values(mail, kind, recipient, dedupe_key, subscriber_id, now))
