"""Helpers for the mail tests: a job context pointing at the test SMTP server, links in mail,
the pages a subscriber and a monitor use."""

import dataclasses
import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from jobs.context import JobContext
from tests.conftest import csrf_token
from tracker import clock
from tracker.models import OutboxMessage

BASE_URL = "https://tracker.example.org"
NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def mail_ctx(app, smtp, *, now: datetime = NOW, **overrides) -> JobContext:
    """Return a job context whose settings send through the test SMTP server."""
    values = {"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_timeout_seconds": 5}
    settings = dataclasses.replace(app.extensions["tracker_settings"], **(values | overrides))
    return JobContext(engine=app.extensions["db_engine"], settings=settings, now=now)


def link(message, path: str) -> str:
    """Return the site path of the first link to ``path`` in a received message's text."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(re.escape(BASE_URL) + r"(" + re.escape(path) + r"[^\s]*)", text)
    assert match, f"no {path} link in:\n{text}"
    return match.group(1)


def text_of(message) -> str:
    """Return the plain text body of a received message."""
    return message.get_body(preferencelist=("plain",)).get_content()


def outbox(engine) -> list[OutboxMessage]:
    """Return every outbox row, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def send_now(app, smtp, *, ahead: timedelta = timedelta(0), **overrides):
    """Send the due outbox as a sender whose clock is ``ahead`` of the tracker's clock."""
    from tracker.mail.sending import send_due_mail
    from tracker.mail.settings import retry_policy, smtp_settings

    settings = mail_ctx(app, smtp, **overrides).settings
    return send_due_mail(
        app.extensions["db_engine"],
        smtp=smtp_settings(settings),
        retry=retry_policy(settings),
        clock=lambda: clock.now() + ahead,
    )


def subscribe(
    client,
    email,
    *,
    frequency="immediate",
    items=(),
    treaties=(),
    texts=(),
    tags=(),
    documents=True,
    scope=None,
):
    """Send the subscribe form as a browser would; the scope follows the ticks unless given.

    A bare paragraph number names Resolution 2616's paragraph ("9.2.1" is "res-2616:9.2.1").
    """
    token = csrf_token(client.get("/subscribe").get_data(as_text=True))
    scope = scope or ("chosen" if items or treaties or texts or tags else "everything")
    data = {
        "csrf_token": token,
        "email": email,
        "frequency": frequency,
        "scope": scope,
        "items": [n if ":" in n else f"res-2616:{n}" for n in items],
        "treaties": list(treaties),
        "texts": list(texts),
        "tags": list(tags),
    }
    if documents:
        data["documents"] = "y"
    return client.post("/subscribe", data=data)


def confirm(client, message):
    """Follow the confirmation link of a received message and press the button."""
    path = link(message, "/subscriptions/confirm/")
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my subscription" in page.get_data(as_text=True)
    done = client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert done.status_code == 302


def change_status(client, number, status, note, evidence):
    """Change an item's status through the web form, as a logged-in monitor."""
    html = client.get(f"/items/{number}/status").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(
        f"/items/{number}/status",
        data={
            "csrf_token": csrf_token(html),
            "version": version,
            "status": status,
            "note": note,
            "evidence_url": evidence,
        },
    )
    assert response.status_code == 302


def confirmed_reader(app, smtp_server, email="reader@example.org", **kwargs):
    """Subscribe an address, send the confirmation and confirm it; return its browser."""
    from jobs import send_mail

    reader = app.test_client()
    subscribe(reader, email, **kwargs)
    send_mail.run(mail_ctx(app, smtp_server, now=clock.now()))
    confirm(reader, smtp_server.to(email)[-1])
    return reader


def queue_messages(engine, emails, *, per_address: int = 1, kind: str = "alert") -> list[str]:
    """Store confirmed subscribers and queue messages to them; return their Message-IDs."""
    from tracker.db import unit_of_work
    from tracker.mail.compose import MailIdentity, render_mail
    from tracker.mail.queueing import enqueue_mail
    from tracker.models import Subscriber

    identity = MailIdentity("Tracker <tracker@example.org>", None, BASE_URL, "L <l.example>")
    ids = []
    with unit_of_work(engine) as session:
        for email in emails:
            subscriber = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
            if subscriber is None:
                subscriber = Subscriber(
                    email=email, frequency="immediate", created_at=NOW, confirmed_at=NOW
                )
                session.add(subscriber)
                session.flush()
            for _ in range(per_address):
                count = len(list(session.exec(select(OutboxMessage.id))))
                mail = render_mail(
                    "confirm",
                    recipient=email,
                    subject=f"Message {count} to {email}",
                    context={"links": {"confirm_url": f"{BASE_URL}/x"}, "expiry_hours": 1},
                    identity=identity,
                    unsubscribe_url=f"{BASE_URL}/unsubscribe/1.abc",
                    manage_url=None,
                    now=NOW,
                )
                enqueue_mail(
                    session,
                    mail,
                    kind=kind,
                    recipient=email,
                    dedupe_key=f"test:{email}:{count}",
                    now=clock.now(),
                    subscriber_id=subscriber.id,
                )
                ids.append(mail.message_id)
    return ids


def subscriber_row(engine, email: str):
    """Return the subscriber row of an address (or None)."""
    from tracker.models import Subscriber

    with Session(engine) as session:
        return session.exec(select(Subscriber).where(Subscriber.email == email)).first()


def lost_and_duplicated(expected_ids, received_ids) -> tuple[int, int]:
    """Return how many expected messages never arrived, and how many arrived more than once."""
    lost = len(set(expected_ids) - set(received_ids))
    duplicated = len(received_ids) - len(set(received_ids))
    return lost, duplicated


def add_subscriber(
    engine,
    email: str,
    *,
    frequency: str = "immediate",
    items=(),
    treaties=(),
    texts=(),
    tags=(),
    documents=True,
):
    """Store a confirmed subscriber (positioned at the log's end) with its choices."""
    from sqlalchemy import func

    from tracker.db import unit_of_work
    from tracker.mail.preferences import Preferences, set_preferences
    from tracker.models import Event, Subscriber

    with unit_of_work(engine) as session:
        subscriber = Subscriber(
            email=email,
            frequency=frequency,
            created_at=clock.now(),
            confirmed_at=clock.now(),
            last_event_id=session.exec(select(func.max(Event.id))).one() or 0,
        )
        session.add(subscriber)
        session.flush()
        wanted = Preferences(
            frequency,
            not (items or treaties or texts or tags),
            tuple(items),
            tuple(treaties),
            texts=tuple(texts),
            tags=tuple(tags),
            documents=documents,
        )
        set_preferences(session, subscriber, wanted)


def record_change(
    engine, number: str, status: str, note: str, *, evidence=None, text: str = "res-2616"
) -> None:
    """Change an item's status through the one writer, as a monitor, at the tracker's clock."""
    from tracker.db import unit_of_work
    from tracker.items.status_changes import Actor, record_status_change
    from tracker.models import Document, Item

    with unit_of_work(engine) as session:
        item = session.exec(
            select(Item)
            .join(Document, Document.id == Item.document_id)
            .where(Item.number == number, Document.slug == text)
        ).one()
        record_status_change(
            session,
            item,
            new_status=status,
            note=note,
            evidence_url=evidence,
            actor=Actor("Monitor 1"),
            expected_version=item.version,
            now=clock.now(),
        )
