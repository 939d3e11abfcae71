"""Benchmark the dashboard and an item page against hello world, with a small and a large history.

Run ``.venv/bin/python bench/dashboard.py`` (add ``--quick`` for a smoke test).
"""

import argparse
import dataclasses
import secrets
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from _history import ITEM, History, bulk_history, record_small_history, verify_history
from _load import HELLO_APP, get, measure, run_load_generator, serve
from _support import (
    STATUSES,
    BenchError,
    make_parser,
    medians,
    print_json,
    print_table,
    run_benchmark,
    run_rounds,
    seeded_engine,
    spawn,
)

from tracker import clock
from tracker.texts.queries import LEGACY_TEXT

OTHER_STATUSES = {s: [t for t in STATUSES if t != s] for s in STATUSES}
BATCH = 10_000
SMALL_PER_ITEM = 36  # status changes per item (1,008 in all) through the real writer
ITEM_PATH = f"/texts/{LEGACY_TEXT}/{ITEM}"
NOT_MODIFIED = "dashboard / 304, large"


@dataclass(frozen=True)
class Plan:
    """How much history to generate and how long to measure."""

    days: int
    per_day: int
    rounds: int
    requests: int
    seconds: float
    warmup: int


FULL = Plan(days=1000, per_day=1000, rounds=7, requests=3000, seconds=3, warmup=60)
QUICK = Plan(days=20, per_day=1000, rounds=2, requests=200, seconds=0.5, warmup=10)


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
        status, body = get(bases[size] + ITEM_PATH)
        # The page writes the count in the English locale's format (35,659 from 1,000 on).
        if status != 200 or f"({history[size].of_item:,} in all)" not in body:
            raise BenchError(f"{ITEM_PATH} ({size}) answered {status} without its history count")
    targets = {"hello world": (hello + "/", {})}
    for page, path in (("dashboard /", "/"), (f"item {ITEM_PATH}", ITEM_PATH)):
        targets.update({f"{page}, {size}": (bases[size] + path, {}) for size in ("small", "large")})
        # A query argument the page ignores, new for every request: the ETag is new, so neither
        # kept pages nor 304s apply and every request is rendered from the database.
        targets[f"{page}, large, rendered"] = (bases["large"] + path + "?bench={n}", {})
    etag: list[str] = []
    get(bases["large"] + "/", etag=etag)
    if etag:  # the dashboard answers with validators: measure the revalidation too
        revalidate = {"headers": {"If-None-Match": etag[0]}, "expect": 304}
        targets[NOT_MODIFIED] = (bases["large"] + "/", revalidate)
    return targets, history


def benchmark(
    plan: Plan, *, workers: int, connections: int, as_json: bool, tmp: Path, stack: ExitStack
) -> None:
    """Measure every target in interleaved rounds and print the medians (and the JSON line)."""
    targets, history = start_servers(stack, plan, workers=workers, tmp=tmp)
    generator = spawn(stack, [sys.executable, __file__, "--load-generator"])
    job = {"requests": plan.requests, "connections": connections, "seconds": plan.seconds}
    for url, extra in targets.values():
        measure(generator, url, **{**job, **extra, "requests": plan.warmup})
    runs = run_rounds(
        {
            name: partial(measure, generator, url, **job, **extra)
            for name, (url, extra) in targets.items()
        },
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
    for page in ("dashboard /", f"item {ITEM_PATH}"):
        ratio = ms[f"{page}, large"] / ms[f"{page}, small"]
        print(f"{page + ' latency, large ÷ small':<45}{ratio:>9.2f}×")
    if as_json:
        hello, dashboard = rps["hello world"], "dashboard /, large"
        revalidated = rps.get(NOT_MODIFIED)
        print_json(
            {
                "dashboard_vs_hello": rps[dashboard] / hello,
                "dashboard_304_vs_hello": revalidated / hello if revalidated else None,
                "item_vs_hello": rps[f"item {ITEM_PATH}, large"] / hello,
                # Every request rendered: what a page costs when its ETag has just moved.
                "dashboard_rendered_vs_hello": rps["dashboard /, large, rendered"] / hello,
                "item_rendered_vs_hello": rps[f"item {ITEM_PATH}, large, rendered"] / hello,
                "dashboard_large_vs_small_time": ms[dashboard] / ms["dashboard /, small"],
                # The name for it: 1M rows ÷ about 1k in the full run (1,000 days of
                # 1,000 changes; 3 per item); the quick run's sizes are in history_rows_*.
                "dashboard_1m_vs_1k": ms[dashboard] / ms["dashboard /, small"],
                "history_rows_large": large.changes,
                "history_rows_small": small.changes,
            }
        )


def main() -> int:
    """Parse the options and run the benchmark, cleaning up on any exit."""
    parser = make_parser(__doc__)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--connections", type=int, default=4, help="concurrent client connections")
    parser.add_argument("--days", type=int, help="days of 1,000 changes (large)")
    parser.add_argument("--load-generator", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_generator:
        run_load_generator()
        return 0
    plan = QUICK if args.quick else FULL
    if args.days:
        plan = dataclasses.replace(plan, days=args.days)
    body = partial(
        benchmark, plan, workers=args.workers, connections=args.connections, as_json=args.json
    )
    return run_benchmark(body, prefix="bench-dashboard-", stopped="servers")


if __name__ == "__main__":
    sys.exit(main())
