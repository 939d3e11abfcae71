"""Benchmark the dashboard and an item page against hello world, with a small and a large history.

Run ``.venv/bin/python bench/dashboard.py`` (add ``--quick`` for a smoke test).
"""

import argparse
import http.client
import itertools
import json
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from _support import (
    ACTOR,
    ROOT,
    STATUSES,
    BenchError,
    ask,
    free_port,
    make_parser,
    medians,
    print_table,
    record_change,
    run_benchmark,
    run_rounds,
    seeded_engine,
    spawn,
    tail,
)
from sqlalchemy import Engine, func, insert, select, text, update

from tracker import clock
from tracker.db import begin_write, unit_of_work
from tracker.items.queries import all_items
from tracker.items.statuses import status_label
from tracker.models import Event, Item, StatusChange

OTHER_STATUSES = {s: [t for t in STATUSES if t != s] for s in STATUSES}
BATCH = 10_000
ITEM = "5"
SMALL_PER_ITEM = 3  # status changes per item in the small database, through the real writer
HELLO_APP = """from flask import Flask

app = Flask(__name__)
app.add_url_rule("/", "hello", lambda: "Hello, World!")
"""


@dataclass(frozen=True)
class Plan:
    """How much history to generate and how long to measure."""

    days: int
    per_day: int
    rounds: int
    requests: int
    seconds: float
    warmup: int


@dataclass(frozen=True)
class History:
    """What one benchmark database holds."""

    changes: int
    of_item: int  # the status changes of §5
    items: int


FULL = Plan(days=365, per_day=1000, rounds=7, requests=3000, seconds=3, warmup=60)
QUICK = Plan(days=100, per_day=1000, rounds=3, requests=500, seconds=1, warmup=20)


def record_small_history(engine: Engine, *, per_item: int, now: datetime) -> int:
    """Give every item a few status changes through the real writer."""
    with unit_of_work(engine) as session:
        begin_write(session)
        items = all_items(session)
        for step in range(per_item):
            for item in items:
                record_change(
                    session,
                    item,
                    new_status=STATUSES[step + 1],
                    note=f"Small history {step}.",
                    evidence_url=None,
                    now=now - timedelta(days=per_item - step),
                )
    return per_item * len(items)


def bulk_history(engine: Engine, *, days: int, per_day: int, end: datetime) -> int:
    """Insert days × per_day changes as record_status_change writes them, in one transaction."""
    rng = random.Random(2616)
    start, step = end - timedelta(days=days), timedelta(days=1) / per_day
    with engine.begin() as connection:
        items = connection.execute(select(Item.id, Item.number, Item.status, Item.version)).all()
        state = {item.id: {"status": item.status, "version": item.version} for item in items}
        event_id = connection.execute(select(func.coalesce(func.max(Event.id), 0))).scalar_one()
        events: list[dict] = []
        changes: list[dict] = []
        for n in range(days * per_day):
            item, at = rng.choice(items), start + n * step
            current = state[item.id]
            old, new = current["status"], rng.choice(OTHER_STATUSES[current["status"]])
            note = f"Benchmark change {n}: reviewed the monitoring report of {at:%d %B %Y}."
            url = f"https://example.org/evidence/{n}" if n % 3 == 0 else None
            event_id += 1
            events.append(
                {
                    "id": event_id,
                    "kind": "item_status_changed",
                    "occurred_at": at,
                    "item_id": item.id,
                    "actor": ACTOR.label,
                    "summary": f"§{item.number}: {status_label(old)} → {status_label(new)}",
                    "payload": {
                        "item": item.number,
                        "from": old,
                        "to": new,
                        "note": note,
                        "evidence_url": url,
                    },
                }
            )
            changes.append(
                {
                    "item_id": item.id,
                    "event_id": event_id,
                    "from_status": old,
                    "to_status": new,
                    "changed_at": at,
                    "user_id": ACTOR.user_id,
                    "actor": ACTOR.label,
                    "note": note,
                    "evidence_url": url,
                }
            )
            current.update(status=new, version=current["version"] + 1, changed_at=at)
            if len(events) == BATCH:
                connection.execute(insert(Event), events)
                connection.execute(insert(StatusChange), changes)
                events, changes = [], []
        if events:
            connection.execute(insert(Event), events)
            connection.execute(insert(StatusChange), changes)
        for item_id, final in state.items():
            if "changed_at" in final:
                connection.execute(
                    update(Item)
                    .where(Item.id == item_id)
                    .values(
                        status=final["status"],
                        status_changed_at=final["changed_at"],
                        version=final["version"],
                    )
                )
    return days * per_day


VERIFY_LINKS = """SELECT count(*),
(SELECT count(*) FROM event WHERE kind = 'item_status_changed') FROM statuschange s
JOIN event e ON e.id = s.event_id AND e.item_id = s.item_id AND e.kind = 'item_status_changed'"""
VERIFY_ITEMS = """SELECT i.number, i.status, i.version, count(s.id), l.to_status,
l.changed_at IS i.status_changed_at FROM item i LEFT JOIN statuschange s ON s.item_id = i.id
LEFT JOIN statuschange l ON l.id = (SELECT max(id) FROM statuschange WHERE item_id = i.id)
GROUP BY i.id"""


def verify_history(engine: Engine, expected: int) -> History:
    """Check the counts and that each item ends where its history ends."""
    with engine.connect() as connection:
        linked, events = connection.execute(text(VERIFY_LINKS)).one()
        rows = connection.execute(text(VERIFY_ITEMS)).all()
    if linked != expected or events != expected:
        raise BenchError(f"expected {expected} changes, found {linked} linked, {events} events")
    counts = {}
    for number, status, version, count, last, same_time in rows:
        if count and (last != status or version != count or not same_time):
            raise BenchError(
                f"§{number} ({status}, version {version}) does not match its last"
                f" change ({last}, same time: {bool(same_time)}) or count ({count})"
            )
        counts[number] = count
    return History(changes=expected, of_item=counts.get(ITEM, 0), items=len(counts))


def get(url: str) -> tuple[int, str]:
    """Fetch one page over a fresh connection and return its status and body."""
    host, _, rest = url.removeprefix("http://").partition("/")
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        connection.request("GET", "/" + rest)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def serve(stack: ExitStack, spec: str, *, env: dict[str, str], workers: int, log: Path) -> str:
    """Start gunicorn on a free port, wait until ``/`` answers 200, and return its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        spec,
    ]
    env = {"PATH": str(Path(sys.executable).parent), **env}
    with log.open("w") as output:
        process = spawn(
            stack,
            command,
            pipes=False,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            status, _body = get(url + "/")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return url
        raise BenchError(f"{spec} answered {status} at {url}/:\n{tail(log)}")
    raise BenchError(f"{spec} did not start on port {port}:\n{tail(log)}")


def generate_load(url: str, *, requests: int, connections: int, seconds: float) -> dict:
    """Send up to ``requests`` GETs from ``connections`` threads within ``seconds``; time them."""
    host, _, rest = url.removeprefix("http://").partition("/")
    tickets, latencies, failures = itertools.count(), [], []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(host, timeout=60)  # reopens when servers close
        try:
            while not failures and next(tickets) < requests and time.perf_counter() < deadline:
                began = time.perf_counter()
                connection.request("GET", "/" + rest)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(f"{url} answered {response.status}")
                latencies.append(time.perf_counter() - began)
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{url}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    median = statistics.median(latencies) if latencies else float("nan")
    return {"rps": len(latencies) / elapsed, "ms": median * 1000, "failures": failures[:3]}


def run_load_generator() -> None:
    """Answer each job read as a JSON line on stdin with a JSON line of results."""
    for line in sys.stdin:
        print(json.dumps(generate_load(**json.loads(line))), flush=True)


def measure(generator: subprocess.Popen, url: str, **job: float) -> dict:
    """Have the load generator process hit ``url`` and return its results."""
    line = ask(generator, json.dumps({"url": url, **job}))
    if not line:
        raise BenchError("the load generator process exited")
    result = json.loads(line)
    if result["failures"]:
        raise BenchError("; ".join(result["failures"]))
    return result


def build_database(path: Path, plan: Plan, *, large: bool, now: datetime) -> History:
    """Create one database with its history, verified, and say how long that took."""
    engine = seeded_engine(f"sqlite:///{path}", now=now)
    try:
        began = time.perf_counter()
        if large:
            count = bulk_history(engine, days=plan.days, per_day=plan.per_day, end=now)
        else:
            count = record_small_history(engine, per_item=SMALL_PER_ITEM, now=now)
        generated = time.perf_counter() - began
        history = verify_history(engine, count)
    finally:
        engine.dispose()
    print(
        f"{path.stem}: {count:,} status changes generated in {generated:.1f} s, verified;"
        f" §{ITEM} has {history.of_item:,}"
    )
    return history


def start_servers(
    stack: ExitStack, plan: Plan, *, workers: int, tmp: Path
) -> tuple[dict[str, str], dict[str, History]]:
    """Build both databases, serve them and hello world; return the targets and the history."""
    now, history, bases = clock.now(), {}, {}
    for size in ("small", "large"):
        path = tmp / f"{size}.sqlite3"
        history[size] = build_database(path, plan, large=size == "large", now=now)
    (tmp / "bench_hello.py").write_text(HELLO_APP)
    hello = serve(
        stack,
        "bench_hello:app",
        env={"PYTHONPATH": str(tmp)},
        workers=workers,
        log=tmp / "hello.log",
    )
    for size in ("small", "large"):
        env = {
            "TRACKER_DATABASE_URL": f"sqlite:///{tmp / size}.sqlite3",
            "TRACKER_SECRET_KEY": secrets.token_urlsafe(32),
        }
        bases[size] = serve(
            stack, "tracker.wsgi:app", env=env, workers=workers, log=tmp / f"{size}.log"
        )
        status, body = get(bases[size] + f"/items/{ITEM}")
        if status != 200 or f"({history[size].of_item} in all)" not in body:
            raise BenchError(f"/items/{ITEM} ({size}) answered {status} without its history count")
    targets = {"hello world": hello + "/"}
    for page, path in (("dashboard /", "/"), (f"item /items/{ITEM}", f"/items/{ITEM}")):
        targets.update({f"{page}, {size}": bases[size] + path for size in ("small", "large")})
    return targets, history


def benchmark(plan: Plan, *, workers: int, connections: int, tmp: Path, stack: ExitStack) -> None:
    """Measure every target in interleaved rounds and print the medians."""
    targets, history = start_servers(stack, plan, workers=workers, tmp=tmp)
    generator = spawn(stack, [sys.executable, __file__, "--load-generator"])
    job = {"requests": plan.requests, "connections": connections, "seconds": plan.seconds}
    for url in targets.values():
        measure(generator, url, **{**job, "requests": plan.warmup})
    runs = run_rounds(
        {name: partial(measure, generator, url, **job) for name, url in targets.items()},
        plan.rounds,
        unit="req/s",
        show=lambda result: f"{result['rps']:.0f}",
    )
    rps, ms = medians(runs, "rps"), medians(runs, "ms")
    small, large = history["small"], history["large"]
    print(
        f"\ngunicorn: {workers} sync workers per server; load: {connections} connections from"
        f" a separate process; {plan.rounds} rounds of up to {plan.requests} requests or"
        f" {plan.seconds:g} s per target, after {plan.warmup} warm-up requests each; latency:"
        f" median time of one request under that load\n"
        f"history over {large.items} items: small {small.changes:,} changes (§{ITEM}:"
        f" {small.of_item:,}); large {large.changes:,} = {plan.per_day:,}/day × {plan.days}"
        f" days (§{ITEM}: {large.of_item:,})\n"
    )
    columns = [
        ("target (median of rounds)", 27, ""),
        ("req/s", 9, ".1f"),
        ("÷ hello", 9, ".3f"),
        ("latency ms", 12, ".2f"),
    ]
    print_table(
        columns, [(name, rps[name], rps[name] / rps["hello world"], ms[name]) for name in targets]
    )
    for page in ("dashboard /", f"item /items/{ITEM}"):
        ratio = ms[f"{page}, large"] / ms[f"{page}, small"]
        print(f"{page + ' latency, large ÷ small':<45}{ratio:>9.2f}×")


def main() -> int:
    """Parse the options and run the benchmark, cleaning up on any exit."""
    parser = make_parser(__doc__)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--connections", type=int, default=4, help="concurrent client connections")
    parser.add_argument("--load-generator", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_generator:
        run_load_generator()
        return 0
    plan = QUICK if args.quick else FULL
    body = partial(benchmark, plan, workers=args.workers, connections=args.connections)
    return run_benchmark(body, prefix="bench-dashboard-", stopped="servers")


if __name__ == "__main__":
    sys.exit(main())
