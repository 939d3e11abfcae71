"""Digests: exactly their day or week in the digest time zone, once per subscriber and period."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from jobs import send_digests, send_mail
from tests.mail_helpers import (
    NOW,
    change_status,
    confirm,
    mail_ctx,
    send_now,
    subscribe,
    text_of,
)
from tracker.mail.digests import digest_period

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]


def confirmed(app, smtp_server, email, **kwargs):
    subscribe(app.test_client(), email, **kwargs)
    send_mail.run(mail_ctx(app, smtp_server))
    confirm(app.test_client(), smtp_server.to(email)[-1])


@pytest.mark.postgres
def test_digest_job_twice_sends_one_digest_and_skips_empty_ones(
    app, client, login, smtp_server, mail_clock
):
    confirmed(app, smtp_server, "daily@example.org", frequency="daily")
    confirmed(app, smtp_server, "quiet@example.org", frequency="daily", items=["13"])
    smtp_server.messages.clear()
    login()
    mail_clock.set(NOW.replace(hour=0))  # the period's first instant is in it
    change_status(client, "9.2.1", "in_progress", "Bill tabled", "https://a.example/bill")
    mail_clock.set(NOW.replace(hour=23, minute=59, second=59))
    change_status(client, "10.1", "no_progress", "Nothing", "https://a.example/none")
    # Today's change (after midnight) belongs to tomorrow's digest, never to yesterday's.
    mail_clock.set(NOW.replace(hour=0) + timedelta(days=1))
    change_status(client, "11.1", "in_progress", "Next day", "https://a.example/next")
    after_hour = mail_clock.set(NOW.replace(hour=8) + timedelta(days=1))
    first = send_digests.run(mail_ctx(app, smtp_server, now=after_hour))
    second = send_digests.run(mail_ctx(app, smtp_server, now=after_hour + timedelta(minutes=30)))
    assert first["daily_queued"] == 1 and first["daily_empty"] == 1
    assert second["daily_queued"] == 0 and second["daily_empty"] == 0
    send_mail.run(mail_ctx(app, smtp_server, now=after_hour))
    send_mail.run(mail_ctx(app, smtp_server, now=after_hour + timedelta(hours=1)))
    [digest] = smtp_server.messages
    assert digest["To"] == "daily@example.org"
    assert "Daily digest for Mon 02 Feb 2026" in digest["Subject"]
    assert "2 changes" in digest["Subject"]  # plural forms per language, no "(s)"
    body = text_of(digest).replace("\r\n", "\n")
    assert "§9.2.1: Not assessed → In progress" in body and "Bill tabled" in body
    assert "\n* §9.2.1: Not assessed → In progress\n" in body  # one event per line block
    assert "\n* §10.1: Not assessed → No progress\n" in body
    assert "Next day" not in body and "§11.1" not in body.split("Paragraphs whose")[0]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The next day's digest has the next day's change, and only it.
    next_day = mail_clock.advance(days=1)
    assert send_digests.run(mail_ctx(app, smtp_server, now=next_day))["daily_queued"] == 1
    send_mail.run(mail_ctx(app, smtp_server, now=next_day))
    body = text_of(smtp_server.messages[-1])
    assert "Next day" in body and "Bill tabled" not in body
    assert smtp_server.messages[-1]["Message-ID"] != digest["Message-ID"]


def test_digest_sections_list_lapsing_invitations_and_stale_paragraphs_at_their_bounds(
    app, engine, smtp_server, mail_clock
):
    from sqlmodel import select

    from tests.mail_helpers import add_subscriber, record_change
    from tracker.db import unit_of_work
    from tracker.models import Item, Treaty

    add_subscriber(engine, "daily@example.org", frequency="daily")
    record_change(engine, "12.3", "in_progress", "Something moved")
    run_at = mail_clock.set(NOW.replace(hour=8) + timedelta(days=1))
    today = run_at.date()
    cutoff = run_at - timedelta(days=30 * 6)  # TRACKER_STALE_ITEM_MONTHS = 6
    lapses = {
        "cets-210": (today, None),  # lapses today: listed
        "ets-030": (today + timedelta(days=90), None),  # the last day of the window: listed
        "ets-018": (today + timedelta(days=91), None),  # too far: not listed
        "ets-127": (today - timedelta(days=1), None),  # lapsed yesterday: not listed
        "ets-141": (today + timedelta(days=10), today),  # consented: not listed
    }
    with unit_of_work(engine) as session:
        for slug, (lapses_on, consent_on) in lapses.items():
            treaty = session.exec(select(Treaty).where(Treaty.slug == slug)).one()
            treaty.invitation_lapses_on, treaty.consent_on = lapses_on, consent_on
            session.add(treaty)
        for number, moved in (("9.1", cutoff - timedelta(minutes=1)), ("9.3", cutoff)):
            item = session.exec(select(Item).where(Item.number == number)).one()
            item.status_changed_at = moved
            session.add(item)
    send_digests.run(mail_ctx(app, smtp_server, now=run_at))
    send_mail.run(mail_ctx(app, smtp_server, now=run_at))
    [digest] = smtp_server.messages
    body = text_of(digest).replace("\r\n", "\n")
    lapsing = body.split("Invitations to accede that lapse soon")[1].split("\n\n")[0]
    names = dict(session_names(engine))
    assert names["cets-210"] in lapsing and names["ets-030"] in lapsing
    for slug in ("ets-018", "ets-127", "ets-141"):
        assert names[slug] not in lapsing, slug
    stale = body.split("Paragraphs whose status has not moved for 6 months or more (1)")[1]
    assert "§9.1 " in stale and "§9.3 " not in stale and "§12.3 " not in stale
    assert "https://tracker.example.org/texts/res-2616/9.1\n" in stale


def test_each_digest_of_one_run_lists_the_stale_paragraphs_of_its_own_choices(
    app, engine, smtp_server, mail_clock
):
    from sqlmodel import select

    from tests.mail_helpers import add_subscriber, record_change
    from tracker.db import unit_of_work
    from tracker.models import Item

    # One run, two scopes: the stale paragraphs (and their texts) are read once per scope.
    add_subscriber(engine, "all@example.org", frequency="daily")
    add_subscriber(engine, "twelve@example.org", frequency="daily", items=["res-2616:12"])
    record_change(engine, "12.3", "in_progress", "Something moved")
    run_at = mail_clock.set(NOW.replace(hour=8) + timedelta(days=1))
    with unit_of_work(engine) as session:
        for number in ("9.1", "12.1"):
            item = session.exec(select(Item).where(Item.number == number)).one()
            item.status_changed_at = run_at - timedelta(days=30 * 6, minutes=1)
            session.add(item)
    send_digests.run(mail_ctx(app, smtp_server, now=run_at))
    send_mail.run(mail_ctx(app, smtp_server, now=run_at))
    heading = "Paragraphs whose status has not moved for 6 months or more"
    stale = {
        message["To"]: text_of(message).replace("\r\n", "\n").split(heading)[1].split("\n\n")[0]
        + "\n"
        for message in smtp_server.messages
    }
    assert stale.keys() == {"all@example.org", "twelve@example.org"}
    assert stale["all@example.org"].startswith(" (2)")
    assert "/texts/res-2616/9.1\n" in stale["all@example.org"]
    assert "/texts/res-2616/12.1\n" in stale["all@example.org"]
    assert stale["twelve@example.org"].startswith(" (1)")
    assert "§9.1 " not in stale["twelve@example.org"]
    assert "https://tracker.example.org/texts/res-2616/12.1\n" in stale["twelve@example.org"]


def session_names(engine):
    from sqlmodel import Session, select

    from tracker.models import Treaty

    with Session(engine) as session:
        return session.exec(select(Treaty.slug, Treaty.short_name)).all()


COUNTS = re.compile(
    r"(\d+) digest\(s\) queued, (\d+) empty \(not sent\), (\d+) already done for this period, "
    r"of (\d+) daily subscriber\(s\)"
)


@pytest.mark.postgres
def test_two_digest_commands_at_once_queue_each_digest_once_and_count_truly(
    app, engine, smtp_server, mail_clock
):
    import subprocess

    from tests.mail_helpers import add_subscriber, lost_and_duplicated, outbox, record_change
    from tests.test_outbox_claims import TRACKER, _sender_env

    real_now = datetime.now(UTC)
    period = digest_period("daily", real_now, hour=7, weekday="mon", zone="UTC")
    mail_clock.set(period.start + timedelta(hours=1))
    for n in range(20):
        add_subscriber(engine, f"all{n}@example.org", frequency="daily")
    for n in range(5):
        add_subscriber(engine, f"quiet{n}@example.org", frequency="daily", items=["13"])
    record_change(engine, "9.2.1", "in_progress", "Yesterday's change")
    command = [str(TRACKER), "digest", "send", "--frequency", "daily"]
    env = _sender_env(app, smtp_server)
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    counts = [tuple(map(int, COUNTS.search(output).groups())) for output in outputs]
    for queued, empty, done, subscribers in counts:
        assert subscribers == 25 and queued + empty + done == 25, outputs
    assert sum(c[0] for c in counts) == 20, outputs
    assert sum(c[1] for c in counts) == 5, outputs
    assert sum(c[2] for c in counts) == 25, outputs  # each run found the other's done
    digests = [m for m in outbox(engine) if m.kind == "digest"]
    assert len(digests) == 20
    send_now(app, smtp_server, ahead=timedelta(minutes=10))
    expected = [m.message_id for m in digests]
    assert lost_and_duplicated(expected, smtp_server.message_ids()) == (0, 0)


@pytest.mark.postgres
def test_a_run_that_read_before_another_committed_counts_that_subscriber_done(
    app, engine, mail_clock
):
    import threading

    from tests.mail_helpers import add_subscriber, record_change
    from tracker.db import begin_write, unit_of_work
    from tracker.mail.digests import queue_digests

    settings = app.extensions["tracker_settings"]
    for n in range(3):
        add_subscriber(engine, f"all{n}@example.org", frequency="daily")
    record_change(engine, "9.2.1", "in_progress", "A change")
    run_at = NOW.replace(hour=8) + timedelta(days=1)
    first_done, commit_first = threading.Event(), threading.Event()
    results = {}

    def first():
        with unit_of_work(engine) as session:
            begin_write(session)
            results["first"] = queue_digests(session, settings, frequency="daily", now=run_at)
            first_done.set()
            commit_first.wait(10)

    def second():
        first_done.wait(10)
        with unit_of_work(engine) as session:
            begin_write(session)  # SQLite waits here; PostgreSQL at the row's UPDATE
            results["second"] = queue_digests(session, settings, frequency="daily", now=run_at)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_done.wait(10)
    threading.Timer(1.0, commit_first.set).start()  # the second run is waiting by then
    for thread in threads:
        thread.join(30)
    assert results["first"].queued == 3
    assert results["second"].as_dict() == {
        "subscribers": 3,
        "queued": 0,
        "empty": 0,
        "already_done": 3,
    }


def test_a_digest_starts_with_the_changes_after_the_confirmation(
    app, engine, smtp_server, mail_clock
):
    from tests.mail_helpers import add_subscriber, record_change

    add_subscriber(engine, "early@example.org", frequency="daily")
    record_change(engine, "9.2.1", "in_progress", "Before the late one confirmed")
    mail_clock.advance(hours=1)
    add_subscriber(engine, "late@example.org", frequency="daily")
    record_change(engine, "10.1", "in_progress", "After both confirmed")
    run_at = mail_clock.set(NOW.replace(hour=8) + timedelta(days=1))
    send_digests.run(mail_ctx(app, smtp_server, now=run_at))
    send_mail.run(mail_ctx(app, smtp_server, now=run_at))
    [early] = smtp_server.to("early@example.org")
    [late] = smtp_server.to("late@example.org")
    assert "Before the late one" in text_of(early) and "After both" in text_of(early)
    assert "Before the late one" not in text_of(late) and "After both" in text_of(late)
