"""Measure scaling on PostgreSQL: gunicorn workers, two web processes, two schedulers.

Run ``.venv/bin/python bench/scaling.py`` (``--quick`` for a smoke test, ``--json`` to end with
one JSON line). It creates its own database on 127.0.0.1:5432 (user postgres) and drops it.
"""

import argparse
import json
import os
import secrets
import signal
import sys
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from _history import bulk_history
from _load import measure, run_load_generator, serve
from _support import (
    ROOT,
    BenchError,
    make_parser,
    print_json,
    print_table,
    run_benchmark,
    seeded_engine,
    spawn,
    tail,
)
from sqlalchemy import create_engine, select, text

from tracker import clock
from tracker.models import JobRun

ADMIN_URL = os.environ.get(
    "TRACKER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# "{n}": a query argument the page ignores, new for each request, so each is rendered afresh.
PAGES = {"dashboard": "/", "API": "/api/v1/items", "dashboard rendered": "/?bench={n}"}


@dataclass(frozen=True)
class Plan:
    """How much history, how long each measurement and how long the schedulers run."""

    days: int
    seconds: float
    rounds: int
    scheduler_seconds: float


FULL = Plan(days=100, seconds=4, rounds=3, scheduler_seconds=8)
QUICK = Plan(days=5, seconds=1, rounds=1, scheduler_seconds=4)


def create_database(stack: ExitStack) -> str:
    """Create a fresh PostgreSQL database that ``stack`` drops on exit; return its URL."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"bench_scaling_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    stack.callback(drop)
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def best_rps(generators: list, urls: list[str], plan: Plan, connections: int) -> float:
    """Load every URL at once (one generator each); return the best summed req/s of the rounds."""
    job = {"requests": 10**9, "connections": connections, "seconds": plan.seconds}
    best = 0.0
    for _ in range(plan.rounds):
        for generator, url in zip(generators, urls, strict=True):  # start all, then read all
            generator.stdin.write(json.dumps({"url": url, **job}) + "\n")
            generator.stdin.flush()
        results = [generator.stdout.readline() for generator in generators]
        if not all(results):
            raise BenchError("a load generator exited")
        parsed = [json.loads(line) for line in results]
        if any(result["failures"] for result in parsed):
            raise BenchError(f"failures: {[r['failures'] for r in parsed]}")
        best = max(best, sum(result["rps"] for result in parsed))
    return best


def web_table(stack: ExitStack, plan: Plan, env: dict, tmp: Path) -> dict[str, dict[str, float]]:
    """Measure req/s of each page at 1, 2, 4 workers and with two 2-worker processes."""
    generators = [spawn(stack, [sys.executable, __file__, "--load-generator"]) for _ in range(2)]
    rows: dict[str, dict[str, float]] = {}
    for workers in (1, 2, 4):
        with ExitStack() as servers:
            base = serve(servers, "tracker.wsgi:app", env=env, workers=workers,
                         log=tmp / f"web-{workers}.log")  # fmt: skip
            for path in PAGES.values():  # warm-up
                measure(generators[0], base + path, requests=20, connections=2, seconds=2)
            rows[f"1 process × {workers} worker(s)"] = {
                page: best_rps(generators[:1], [base + path], plan, 2 * workers)
                for page, path in PAGES.items()
            }
    with ExitStack() as servers:
        bases = [
            serve(servers, "tracker.wsgi:app", env=env, workers=2, log=tmp / f"web-port{n}.log")
            for n in (1, 2)
        ]
        rows["2 processes × 2 workers, 2 ports"] = {
            page: best_rps(generators, [base + path for base in bases], plan, 4)
            for page, path in PAGES.items()
        }
    return rows


def wait_until(condition, what: str, log: Path, timeout: float = 90) -> None:
    """Poll ``condition`` until it holds; fail with the log's end after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"no {what} within {timeout:g} s:\n{tail(log)}")
        time.sleep(0.3)


def two_schedulers(stack: ExitStack, plan: Plan, env: dict, url: str, tmp: Path) -> dict:
    """Start two schedulers on one database; count whose job runs there are; then fail over."""
    tracker = str(Path(sys.executable).parent / "tracker")
    env = {**os.environ, **env, "TRACKER_EXTRA_JOBS": "tests.diagnostic_jobs",
           "PYTHONPATH": str(ROOT), "TRACKER_SCHEDULER_JOBS": "heartbeat"}  # fmt: skip
    command = [tracker, "scheduler", "--run-now", "--standby-poll-seconds", "0.5"]
    logs = [tmp / "scheduler-1.log", tmp / "scheduler-2.log"]
    children = []
    engine = create_engine(url)

    def start(log: Path) -> None:
        with log.open("w") as output:
            children.append(spawn(stack, command, pipes=False, env=env, stdout=output,
                                  stderr=output))  # fmt: skip

    def runners() -> Counter:
        with engine.connect() as connection:
            return Counter(connection.execute(select(JobRun.runner)).scalars())

    try:
        start(logs[0])
        wait_until(lambda: runners(), "the first scheduler's job run", logs[0])
        start(logs[1])
        wait_until(lambda: "standby" in logs[1].read_text(), "the second's standby", logs[1])
        time.sleep(plan.scheduler_seconds)  # many standby polls: the second must run nothing
        before = runners()
        children[0].send_signal(signal.SIGTERM)
        children[0].wait(20)
        pid = children[1].pid
        wait_until(
            lambda: any(runner.endswith(f":{pid}") for runner in runners()),
            "the standby's take-over",
            logs[1],
        )
        after = runners()
    finally:
        engine.dispose()
    pids = [child.pid for child in children]

    def runs_of(counts: Counter, pid: int) -> int:
        return sum(n for runner, n in counts.items() if runner.endswith(f":{pid}"))

    result = {
        "runs_first": runs_of(before, pids[0]),
        "runs_second_while_first_ran": runs_of(before, pids[1]),
        "second_logged_standby": True,
        "runs_second_after_first_stopped": runs_of(after, pids[1]),
    }
    if result["runs_second_while_first_ran"]:
        raise BenchError(f"both schedulers ran jobs: {result}\n{tail(logs[1])}")
    return result


def benchmark(plan: Plan, as_json: bool, *, tmp: Path, stack: ExitStack) -> None:
    """Build the database, measure the web table and the schedulers, print both."""
    url = create_database(stack)
    now = clock.now()
    engine = seeded_engine(url, now=now)
    changes = bulk_history(engine, days=plan.days, per_day=1000, end=now)
    engine.dispose()
    env = {"TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": secrets.token_urlsafe(32)}
    print(f"PostgreSQL database with {changes:,} status changes; {os.cpu_count()} CPU(s)")
    rows = web_table(stack, plan, env, tmp)
    print(f"\nrequests per second, best of {plan.rounds} round(s) of {plan.seconds:g} s;"
          " load from separate processes, 2 connections per worker\n")  # fmt: skip
    print("| setup | dashboard req/s | API req/s | dashboard rendered each time req/s |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in rows.items():
        print(
            f"| {name} | {values['dashboard']:.0f} | {values['API']:.0f}"
            f" | {values['dashboard rendered']:.0f} |"
        )
    schedulers = two_schedulers(stack, plan, env, url, tmp)
    print("\ntwo `tracker scheduler` processes (heartbeat job, --run-now), one database:\n")
    print_table(
        [("scheduler", 44, ""), ("job runs", 10, "")],
        [
            ("first (leader)", schedulers["runs_first"]),
            ("second, while the first ran", schedulers["runs_second_while_first_ran"]),
            ("second, after SIGTERM to the first", schedulers["runs_second_after_first_stopped"]),
        ],
    )
    print(f"second logged 'standby': {schedulers['second_logged_standby']}")
    if as_json:
        one, four = rows["1 process × 1 worker(s)"], rows["1 process × 4 worker(s)"]
        pair = rows["2 processes × 2 workers, 2 ports"]
        print_json(
            {
                **{
                    f"{page.lower().replace(' ', '_')}_rps_{w}w": rows[
                        f"1 process × {w} worker(s)"
                    ][page]
                    for page in PAGES
                    for w in (1, 2, 4)
                },  # fmt: skip
                "dashboard_rps_two_processes": pair["dashboard"],
                "api_rps_two_processes": pair["API"],
                "dashboard_rendered_rps_two_processes": pair["dashboard rendered"],
                "dashboard_4w_vs_1w": four["dashboard"] / one["dashboard"],
                "dashboard_rendered_4w_vs_1w": four["dashboard rendered"]
                / one["dashboard rendered"],
                "standby_scheduler_runs": schedulers["runs_second_while_first_ran"],
                "failover_runs": schedulers["runs_second_after_first_stopped"],
            }
        )


def main() -> int:
    """Parse the options and run the benchmark, cleaning up on any exit."""
    parser = make_parser(__doc__)
    parser.add_argument("--load-generator", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_generator:
        run_load_generator()
        return 0
    plan = QUICK if args.quick else FULL
    return run_benchmark(
        lambda **kw: benchmark(plan, args.json, **kw), prefix="bench-scaling-", stopped="servers"
    )


if __name__ == "__main__":
    sys.exit(main())
