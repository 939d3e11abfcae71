"""Digests rendered once for subscribers with the same choices: each keeps its own links."""

import re
from datetime import timedelta
from html import escape

from sqlmodel import Session, select

from tests.mail_helpers import NOW, add_subscriber, mail_ctx, record_change
from tracker.db import begin_write, unit_of_work
from tracker.mail.content import subscriber_links
from tracker.mail.digests import queue_digests
from tracker.mail.tokens import read_token
from tracker.models import OutboxMessage, Subscriber

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]
EMAILS = ("one@example.org", "two@example.org", "three@example.org")


def test_subscribers_with_the_same_choices_share_a_body_but_never_a_link(
    app, engine, smtp_server, mail_clock
):
    for email in EMAILS:
        add_subscriber(engine, email, frequency="daily")
    record_change(engine, "12.3", "in_progress", "Something moved & more")
    ctx = mail_ctx(app, smtp_server, now=mail_clock.set(NOW.replace(hour=8) + timedelta(days=1)))
    with unit_of_work(engine) as session:
        begin_write(session)
        counts = queue_digests(session, ctx.settings, frequency="daily", now=ctx.now)
    assert counts.queued == len(EMAILS)
    with Session(engine) as session:
        subscribers = session.exec(select(Subscriber)).all()
        links = {s.email: subscriber_links(ctx.settings, s) for s in subscribers}
        ids = {s.email: s.id for s in subscribers}
        rows = {m.recipient: m for m in session.exec(select(OutboxMessage))}
    # The unsubscribe token has no timestamp: compared whole. The manage token is timed:
    # each body's manage links must read back as its own subscriber's.
    for email, row in rows.items():
        for other, theirs in links.items():
            url = theirs["unsubscribe_url"]
            assert (url in row.text_body, escape(url) in row.html_body) == ((other == email),) * 2
        assert row.headers["List-Unsubscribe"] == f"<{links[email]['unsubscribe_url']}>"
        for body in (row.text_body, row.html_body):
            tokens = set(re.findall(r"/subscriptions/manage/([\w.-]+)", body))
            assert len(tokens) == 1
            owner, _ = read_token(ctx.settings.secret_key, tokens.pop(), purpose="manage")
            assert owner == ids[email]

    def without_links(body):
        body = re.sub(r"/subscriptions/manage/[\w.-]+", "MANAGE", body)
        return re.sub(r"/unsubscribe/[\w.-]+", "UNSUBSCRIBE", body)

    assert len({without_links(r.text_body) for r in rows.values()}) == 1
    htmls = {without_links(r.html_body) for r in rows.values()}
    assert len(htmls) == 1 and "Something moved &amp; more" in htmls.pop()


def test_messages_sharing_parsed_headers_are_written_as_if_each_parsed_its_own():
    from tracker.mail.compose import _parsed_header, build_email

    headers = {
        "From": "Résolution 2616 tracker <tracker@example.org>",
        "To": "one@example.org",
        "Subject": "[R2616] Daily digest for Mon 02 Feb 2026: 36 change(s) — «Қазақстан» "
        + "and a subject long enough to be folded over more than one line of the header",
        "Date": "Mon, 02 Feb 2026 08:00:00 +0000",
        "Message-ID": "<digest.1@example.org>",
    }
    def written(to: str) -> bytes:
        message = build_email(headers | {"To": to}, "Text.", "<p>Text.</p>").as_bytes()
        return re.sub(rb"={15}\d+==", b"BOUNDARY", message)  # random per message

    first, second = written("one@example.org"), written("two@example.org")
    _parsed_header.cache_clear()
    fresh = written("two@example.org")
    assert second == fresh and first.replace(b"one@", b"two@") == second


def test_the_same_choices_in_another_language_are_rendered_apart(
    app, engine, smtp_server, mail_clock
):
    for email in ("en@example.org", "fr@example.org", "also-en@example.org"):
        add_subscriber(engine, email, frequency="daily")
    with unit_of_work(engine) as session:
        french = session.exec(select(Subscriber).where(Subscriber.email == "fr@example.org")).one()
        french.language = "fr"
        session.add(french)
    record_change(engine, "12.3", "in_progress", "Something moved")
    ctx = mail_ctx(app, smtp_server, now=mail_clock.set(NOW.replace(hour=8) + timedelta(days=1)))
    with unit_of_work(engine) as session:
        begin_write(session)
        assert queue_digests(session, ctx.settings, frequency="daily", now=ctx.now).queued == 3
    with Session(engine) as session:
        rows = {m.recipient: m for m in session.exec(select(OutboxMessage))}
    assert 'lang="fr"' in rows["fr@example.org"].html_body
    assert 'lang="en"' in rows["en@example.org"].html_body
    assert 'lang="en"' in rows["also-en@example.org"].html_body
    assert rows["fr@example.org"].subject != rows["en@example.org"].subject
