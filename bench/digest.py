"""Benchmark queueing and sending the daily digest against bare smtplib, to a local SMTP sink.

Run ``.venv/bin/python bench/digest.py`` (add ``--quick`` for 300 subscribers, a smoke test;
``--json`` to end with one JSON line of the ratios).
"""

import resource
import secrets
import smtplib
import sys
import time
import tracemalloc
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import partial
from pathlib import Path

from _rss_probe import peak_rss_mib
from _smtp_sink import Sink
from _support import (
    STATUSES,
    BenchError,
    make_parser,
    print_json,
    print_table,
    record_change,
    rotated,
    run_benchmark,
    seeded_engine,
)
from sqlalchemy import Engine, func, insert, select, text

from tracker import clock
from tracker.config import Settings, load_settings
from tracker.db import begin_write, unit_of_work
from tracker.items.queries import all_items
from tracker.mail.compose import build_email
from tracker.mail.digests import digest_period, queue_digests
from tracker.mail.sending import send_due_mail
from tracker.mail.settings import retry_policy, smtp_settings
from tracker.models import OutboxMessage, Subscriber

CHANGES = 36  # status changes through the real writer: the content of every digest
RESET = (
    "DELETE FROM outboxmessage",
    "UPDATE subscriber SET last_event_id = 0, last_digest_period = NULL",
)


@dataclass(frozen=True)
class Plan:
    """How many subscribers get a digest, how many rounds to time, how many to trace."""

    subscribers: int
    rounds: int  # one round of 10,000 already takes about five minutes
    traced: int  # subscribers of the tracemalloc run, which is about three times slower


FULL = Plan(subscribers=10_000, rounds=1, traced=1_000)
QUICK = Plan(subscribers=300, rounds=1, traced=100)
UNTRACED = """UPDATE subscriber SET confirmed_at = NULL
WHERE id NOT IN (SELECT id FROM subscriber ORDER BY id LIMIT :traced)"""


def create_database(url: str, *, now: datetime, subscribers: int) -> Engine:
    """Create, migrate and seed a database with status changes and confirmed daily subscribers."""
    engine = seeded_engine(url, now=now)
    with unit_of_work(engine) as session:
        begin_write(session)
        items = [item for item in all_items(session) if item.role == "operative"]
        for n in range(CHANGES):
            item = items[n * 7 % len(items)]
            new = STATUSES[(STATUSES.index(item.status) + 1) % len(STATUSES)]
            record_change(
                session,
                item,
                new_status=new,
                note=f"Benchmark change {n}: report reviewed.",
                evidence_url=f"https://example.org/evidence/{n}",
                now=now - timedelta(minutes=CHANGES - n),
            )
    rows = [
        {
            "email": f"reader{n}@example.org",
            "frequency": "daily",
            "everything": True,
            "created_at": now,
            "confirmed_at": now,
            "last_event_id": 0,
        }
        for n in range(subscribers)
    ]
    with engine.begin() as connection:
        connection.execute(insert(Subscriber), rows)
    return engine


def outbox_states(engine: Engine) -> dict[str, int]:
    """Return how many outbox messages are in each state."""
    query = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    with engine.connect() as connection:
        return dict(connection.execute(query).all())


def run_tracker(
    engine: Engine, settings: Settings, sink: Sink, *, now: datetime, expected: int
) -> dict[str, float]:
    """Queue every digest and send the outbox, timing each phase; check every count."""
    with engine.begin() as connection:
        for statement in RESET:
            connection.execute(text(statement))
    before = sink.count()
    began = time.perf_counter()
    with unit_of_work(engine) as session:
        begin_write(session)
        queued = queue_digests(session, settings, frequency="daily", now=now)
    committed = time.perf_counter()
    sent = send_due_mail(
        engine, smtp=smtp_settings(settings), retry=retry_policy(settings), clock=clock.now
    )
    done = time.perf_counter()
    received = sink.count() - before
    if queued.queued != expected or sent.as_dict() != {
        "sent": expected,
        "retrying": 0,
        "failed": 0,
    }:
        raise BenchError(
            f"expected {expected} digests queued and sent, got {queued.as_dict()}"
            f" and {sent.as_dict()}"
        )
    if received != expected or outbox_states(engine) != {"sent": expected}:
        raise BenchError(
            f"the tracker sent {expected} but the sink received {received};"
            f" outbox: {outbox_states(engine)}"
        )
    return {"queue": committed - began, "send": done - committed, "total": done - began}


def stored_messages(engine: Engine) -> list[EmailMessage]:
    """Build, from the outbox, the messages the tracker sent."""
    query = select(OutboxMessage.headers, OutboxMessage.text_body, OutboxMessage.html_body)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(OutboxMessage.id)).all()
    return [build_email(headers, text_body, html_body) for headers, text_body, html_body in rows]


def run_baseline(messages: list[EmailMessage], sink: Sink) -> dict[str, float]:
    """Send the messages with bare smtplib over one connection; check the sink got them all."""
    before = sink.count()
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=30) as smtp:
        for message in messages:
            if smtp.send_message(message):
                raise BenchError(f"the sink refused {message['To']}")
    elapsed = time.perf_counter() - began
    received = sink.count() - before
    if received != len(messages):
        raise BenchError(f"smtplib sent {len(messages)} but the sink received {received}")
    return {"send": elapsed}


def max_rss_mib() -> float:
    """Return the peak resident set size of this process so far, in MiB (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def benchmark(plan: Plan, as_json: bool, *, tmp: Path, stack: ExitStack) -> None:
    """Time the tracker path and the baseline in interleaved rounds; measure memory; print."""
    sink = Sink(stack, tmp / "sink.log")
    now, n = clock.now(), plan.subscribers
    env = {
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp / 'digest.sqlite3'}",
        "TRACKER_SECRET_KEY": secrets.token_urlsafe(32),
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(sink.port),
        "TRACKER_BASE_URL": "https://tracker.example.org",
    }
    settings = load_settings(env, instance_path=tmp)
    began = time.perf_counter()
    # A digest lists exactly its period's events: make the changes inside the period now mails.
    period = digest_period(
        "daily",
        now,
        hour=settings.digest_hour,
        weekday=settings.digest_weekday,
        zone=settings.digest_timezone,
    )
    engine = create_database(
        settings.database_url, now=period.start + timedelta(hours=1), subscribers=n
    )
    stack.callback(engine.dispose)
    print(
        f"database: seeded, {CHANGES} status changes, {n:,} confirmed daily subscribers"
        f" in {time.perf_counter() - began:.1f} s; SMTP sink pid {sink.process.pid}"
        f" on 127.0.0.1:{sink.port}"
    )
    tracker: list[dict[str, float]] = []
    baseline: list[dict[str, float]] = []
    messages: list[EmailMessage] = []
    rss_tracker = 0.0
    for round_ in range(plan.rounds):
        order = rotated(("tracker", "baseline"), round_)
        for name in order:
            if name == "tracker":
                tracker.append(run_tracker(engine, settings, sink, now=now, expected=n))
                if not messages:
                    rss_tracker = max_rss_mib()  # before the baseline's messages exist
                    messages = stored_messages(engine)
            else:
                baseline.append(run_baseline(messages, sink))
        t, b = tracker[-1], baseline[-1]
        print(
            f"round {round_ + 1}/{plan.rounds} ({' then '.join(order)}): queue"
            f" {t['queue']:.1f} s, send {t['send']:.1f} s, tracker total {t['total']:.1f} s;"
            f" smtplib {b['send']:.1f} s"
        )
    rss_end = max_rss_mib()
    with engine.begin() as connection:  # only the first subscribers stay mailable
        connection.execute(text(UNTRACED), {"traced": plan.traced})
    tracemalloc.start()
    memory = run_tracker(engine, settings, sink, now=now, expected=plan.traced)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    engine.dispose()
    # Peak RSS of the path alone, each in a fresh process: all subscribers, then a tenth of them.
    rss = {k: peak_rss_mib(env, tmp, k) for k in (n, n // 10)}
    final = sink.stop()
    total = n * 2 * plan.rounds + plan.traced + n + n // 10
    if final != total:
        raise BenchError(f"the sink counted {final} messages in all, not {total}")

    def best(runs: list[dict[str, float]], key: str) -> float:
        return min(run[key] for run in runs)

    rate = {
        "queue (render, store, commit)": n / best(tracker, "queue"),
        "send (send_due_mail)": n / best(tracker, "send"),
        "tracker path (queue + send)": n / best(tracker, "total"),
        "bare smtplib, one connection": n / best(baseline, "send"),
    }
    smtp_rate = rate["bare smtplib, one connection"]
    print(
        f"\n{n:,} digests of {CHANGES} changes each; SMTP sink (aiosmtpd, counting only) in a"
        f" separate process; best of {plan.rounds} interleaved round(s) per phase; the sink"
        f" received exactly what each phase sent ({final:,} in all)\n"
    )
    columns = [("phase", 32, ""), ("msg/s", 9, ".1f"), ("÷ smtplib", 11, ".3f")]
    print_table(columns, [(name, value, value / smtp_rate) for name, value in rate.items()])
    print(
        f"\ntracemalloc peak of the tracker path (queue + send) for {plan.traced:,} subscribers"
        f" (an extra, untimed run of {memory['total']:.1f} s): {peak:.1f} MiB\n"
        f"ru_maxrss: {rss_tracker:.0f} MiB after the first tracker path of {n:,} (with setup),"
        f" {rss_end:.0f} MiB after the timed rounds (with {n:,} built messages for smtplib)\n"
        f"peak RSS of the path alone in a fresh process: {rss[n]:.0f} MiB for {n:,},"
        f" {rss[n // 10]:.0f} MiB for {n // 10:,} ({rss[n] / rss[n // 10]:.2f}×)"
    )
    if as_json:
        print_json(
            {
                "digest_vs_smtplib": rate["tracker path (queue + send)"] / smtp_rate,
                "digest_rss_10k_vs_1k": rss[n] / rss[n // 10],
            }
        )


def main() -> int:
    """Parse the options and run the benchmark, cleaning up on any exit."""
    parser = make_parser(__doc__, quick="300 subscribers, a smoke test")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    body = partial(benchmark, plan, args.json)
    return run_benchmark(body, prefix="bench-digest-", stopped="the SMTP sink")


if __name__ == "__main__":
    sys.exit(main())
