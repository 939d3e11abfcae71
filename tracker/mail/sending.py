"""Send what the outbox holds: claim a batch, one SMTP connection, mark each message at once.

Each message is marked sent in its own commit right after the server accepted it, so a sender
killed at any point sends again at most the one message that was in flight (with the same
Message-ID). Its claims are taken over when they expire, or at once by a sender on the same
host that sees its process is gone. Claims are renewed while the batch goes on; a sender
that finds a claim taken over stops at once and leaves the rest to the new holder.
"""

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlmodel import Session, col, select

from tracker.db import begin_write, unit_of_work
from tracker.mail.compose import HeaderInjectionError
from tracker.mail.outbox import (
    RetryPolicy,
    claim_due_messages,
    expire_claims_of,
    live_claim_owners,
    mark_failed_attempt,
    mark_sent,
    release_claims,
    renew_claims,
)
from tracker.mail.smtp import SendError, SmtpConnection, SmtpSettings
from tracker.mail.wire import message_bytes
from tracker.models import Subscriber

_HOST = socket.gethostname()[:16]
# Kinds that go even to a suppressed address: the owner asked for them on the form just now.
UNSUPPRESSED_KINDS = {"confirm"}


@dataclass
class SendCounts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Why the transport refused or failed (connection, AUTH, MAIL FROM, 4xx): the run fails.
    transport_errors: list[str] = field(default_factory=list)
    claims_lost: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


@dataclass(frozen=True)
class _Claimed:
    id: int
    headers: dict
    text_body: str
    html_body: str
    suppressed: bool


class TransportFailed(Exception):
    """The SMTP transport refused or failed: the messages wait for a retry; nobody is at fault."""

    def __init__(self, counts: SendCounts) -> None:
        self.counts = counts
        reasons = list(dict.fromkeys(counts.transport_errors))
        super().__init__(
            f"SMTP transport failed ({', '.join(f'{k} {v}' for k, v in counts.as_dict().items())}"
            f"): {'; '.join(reasons[:3])}"
        )


class ClaimLost(Exception):
    """Another sender holds a message this sender had claimed: stop."""


class _Sender:
    def __init__(
        self, engine: Engine, retry: RetryPolicy, clock: Callable[[], datetime], counts: SendCounts
    ) -> None:
        self.engine = engine
        self.retry = retry
        self.clock = clock
        self.counts = counts
        self.owner = owner_token()
        self.renewed = time.monotonic()
        # The marks' own connection, held for the run: a mark is one short transaction on it.
        self._connection: Connection | None = None
        self._marks: Session | None = None

    @contextmanager
    def marking(self) -> Iterator[Session]:
        """Yield a session for one mark on the sender's connection; commit it at once."""
        if self._marks is None:
            self._connection = self.engine.connect()
            self._marks = Session(self._connection, expire_on_commit=False)
        session = self._marks
        try:
            begin_write(session)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.expunge_all()  # nothing read in one mark may stand for a later one

    def close(self) -> None:
        """Give the marks' connection back."""
        if self._marks is not None:
            self._marks.close()
            self._connection.close()
            self._marks = self._connection = None

    def claim(self, batch_size: int) -> list[_Claimed]:
        with unit_of_work(self.engine) as session:
            begin_write(session)
            # A sender killed on this machine holds claims until they expire: end them now.
            dead = {o for o in live_claim_owners(session, now=self.clock()) if died_here(o)}
            expire_claims_of(session, dead, now=self.clock())
            messages = claim_due_messages(
                session,
                now=self.clock(),
                limit=batch_size,
                claim_seconds=self.retry.claim_seconds,
                owner=self.owner,
            )
            self.renewed = time.monotonic()
            ids = {m.subscriber_id for m in messages if m.subscriber_id is not None}
            suppressed = set(
                session.exec(
                    select(Subscriber.id).where(
                        col(Subscriber.id).in_(ids), col(Subscriber.suppressed_at).is_not(None)
                    )
                )
            )
            return [_claimed(m, m.subscriber_id in suppressed) for m in messages]

    def keep_claims(self, remaining: list[_Claimed]) -> None:
        """Renew the claims after a third of their time; raise ClaimLost if one was taken."""
        if time.monotonic() - self.renewed < self.retry.claim_seconds / 3:
            return
        ids = [c.id for c in remaining]
        with unit_of_work(self.engine) as session:
            begin_write(session)
            held = renew_claims(
                session,
                ids,
                owner=self.owner,
                now=self.clock(),
                claim_seconds=self.retry.claim_seconds,
            )
        self.renewed = time.monotonic()
        if held != set(ids):
            raise ClaimLost(f"{len(set(ids) - held)} claimed message(s) taken over")

    def sent(self, message_id: int) -> None:
        with self.marking() as session:
            if not mark_sent(session, message_id, owner=self.owner, now=self.clock()):
                raise ClaimLost(f"message {message_id} was taken over while it was sent")
        self.counts.sent += 1

    def failed(
        self, message_id: int, error: str, *, permanent: bool = False, recipient_fault=False
    ) -> None:
        with unit_of_work(self.engine) as session:
            begin_write(session)
            state = mark_failed_attempt(
                session,
                message_id,
                owner=self.owner,
                error=error,
                permanent=permanent,
                recipient_fault=recipient_fault,
                now=self.clock(),
                retry=self.retry,
            )
        if state is None:
            raise ClaimLost(f"message {message_id} was taken over while it was sent")
        if state == "failed":
            self.counts.failed += 1
        else:
            self.counts.retrying += 1

    def release(self, remaining: list[_Claimed]) -> None:
        with unit_of_work(self.engine) as session:
            release_claims(session, [c.id for c in remaining], owner=self.owner, now=self.clock())


def owner_token() -> str:
    """Return a new claim owner: this host and process (to tell a dead sender), and a nonce."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def died_here(owner: str) -> bool:
    """Return whether a claim owner is a sender process of this host that no longer runs."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # another user's live process
    return False


def _claimed(message, subscriber_suppressed: bool) -> _Claimed:
    return _Claimed(
        id=message.id,
        headers=dict(message.headers),
        text_body=message.text_body,
        html_body=message.html_body,
        suppressed=subscriber_suppressed and message.kind not in UNSUPPRESSED_KINDS,
    )


def send_due_mail(
    engine: Engine,
    *,
    smtp: SmtpSettings,
    retry: RetryPolicy,
    clock: Callable[[], datetime],
    batch_size: int = 200,
    on_progress: Callable[[int], None] | None = None,
) -> SendCounts:
    """Send every due message, batch by batch, until none is due or the transport fails."""
    counts = SendCounts()
    sender = _Sender(engine, retry, clock, counts)
    try:
        _send_batches(sender, smtp, batch_size, on_progress)
    finally:
        sender.close()
    return counts


def _send_batches(sender: _Sender, smtp: SmtpSettings, batch_size: int, on_progress) -> None:
    counts = sender.counts
    while True:
        batch = sender.claim(batch_size)
        if not batch:
            return
        try:
            finished = _send_batch(sender, smtp, batch, on_progress)
        except ClaimLost:
            counts.claims_lost += 1
            return
        if not finished or len(batch) < batch_size:
            return


def _send_batch(sender: _Sender, smtp: SmtpSettings, batch, on_progress) -> bool:
    """Send one claimed batch; return False if the transport failed and sending must stop."""
    try:
        connection = SmtpConnection(smtp).__enter__()
    except SendError as error:
        # No connection: every claimed message waits for a retry; nobody is at fault.
        sender.counts.transport_errors.append(str(error))
        for claimed in batch:
            sender.failed(claimed.id, str(error))
        return False
    try:
        for index, claimed in enumerate(batch):
            sender.keep_claims(batch[index:])
            if claimed.suppressed:
                sender.failed(claimed.id, "address suppressed after hard bounces", permanent=True)
                continue
            try:
                headers = claimed.headers
                data = message_bytes(headers, claimed.text_body, claimed.html_body)
                connection.send_bytes(headers["From"], headers["To"], data)
            except HeaderInjectionError as error:
                sender.failed(claimed.id, str(error), permanent=True)
            except SendError as error:
                if not error.recipient_fault:
                    sender.counts.transport_errors.append(str(error))
                sender.failed(claimed.id, str(error), recipient_fault=error.recipient_fault)
                if error.stop_batch:
                    sender.release(batch[index + 1 :])
                    return False
            else:
                sender.sent(claimed.id)
            if on_progress:
                on_progress(1)
    except ClaimLost:
        sender.release(batch)
        raise
    finally:
        connection.__exit__(None, None, None)
    return True
