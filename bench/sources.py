"""Benchmark checking unchanged watched feeds against bare httpx GETs of the same URLs.

Run ``.venv/bin/python bench/sources.py`` (``--quick`` for a smoke test, ``--json`` to end with
one JSON line such as ``{"sources_vs_bare": 1.1}``).
"""

import dataclasses
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import httpx
from _support import (
    ROOT,
    BenchError,
    make_parser,
    print_json,
    print_table,
    run_rounds,
    seeded_engine,
    spawn,
)

from jobs.check_sources import build_fetcher, check
from jobs.context import JobContext
from tracker.config import load_settings
from tracker.db import unit_of_work
from tracker.sources.catalogue import SourceSettings, save_source

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=60)


@dataclasses.dataclass(frozen=True)
class Plan:
    feeds: int
    rounds: int


FULL, QUICK = Plan(feeds=200, rounds=7), Plan(feeds=20, rounds=2)


def add_feeds(engine, port: int, count: int) -> list[str]:
    """Add ``count`` active feed sources on the bench site; return their URLs."""
    urls = [f"http://127.0.0.1:{port}/feed/{n}" for n in range(count)]
    with unit_of_work(engine) as session:
        known: set[str] = set()
        for n, url in enumerate(urls):
            settings = SourceSettings(slug=f"feed-{n}", name=f"Feed {n}", url=url, kind="feed",
                                      interval_minutes=60, paused=False)  # fmt: skip
            save_source(session, settings, known_items=known, now=NOW)
    return urls


def benchmark(plan: Plan, as_json: bool, *, tmp: Path, stack) -> None:
    """Run the rounds and print the table (and the JSON line)."""
    site = spawn(stack, [sys.executable, str(ROOT / "bench" / "_feed_site.py"), str(plan.feeds)])
    port = int(site.stdout.readline() or 0)
    if not port:
        raise BenchError("the feed site did not start")
    engine = seeded_engine(f"sqlite:///{tmp / 'bench.sqlite3'}", now=NOW)
    settings = dataclasses.replace(
        load_settings({}, instance_path=tmp), sources_allow_private=("127.0.0.1/32",)
    )
    urls = add_feeds(engine, port, plan.feeds)
    rounds = iter(range(1, 10_000))

    def sources() -> dict:
        ctx = JobContext(engine=engine, settings=settings, now=NOW + next(rounds) * INTERVAL)
        fetcher = build_fetcher(ctx)
        started = time.perf_counter()
        try:
            counts, failures = check(ctx, fetcher=fetcher)
        finally:
            fetcher.close()
        wall = time.perf_counter() - started
        if failures or counts["checked"] != plan.feeds:
            raise BenchError(f"the check did not go as planned: {counts} {failures[:3]}")
        return {"wall": wall, "unchanged": counts["unchanged"], "new": counts["new_documents"]}

    def bare() -> dict:
        started = time.perf_counter()
        with httpx.Client(trust_env=False) as client:
            for url in urls:
                client.get(url).raise_for_status()
        return {"wall": time.perf_counter() - started, "unchanged": 0, "new": 0}

    first = sources()  # the first check stores every feed and its entries; later ones are 304s
    print(f"first check: {first['new']} new documents in {first['wall'] * 1000:.0f} ms")
    runs = run_rounds({"sources": sources, "bare GETs": bare}, plan.rounds, unit="wall ms",
                      show=lambda r: f"{r['wall'] * 1000:.0f}")  # fmt: skip
    if any(run["new"] for run in runs["sources"]):
        raise BenchError("an unchanged feed added documents")
    wall = {
        name: sorted(r["wall"] for r in results)[len(results) // 2]
        for name, results in runs.items()
    }
    ratio = wall["sources"] / wall["bare GETs"]
    print(
        f"\n{plan.feeds} unchanged RSS feeds on a werkzeug site in a child process; SQLite (WAL)\n"
        "sources: jobs.check_sources.check (plan, robots.txt, address checks, conditional GETs"
        " answered 304, one pool, per-host limit, health recorded per source)\n"
        f"bare GETs: {plan.feeds} sequential GETs over one httpx.Client (full 200 answers)\n"
    )
    print_table(
        [("target (median of rounds)", 26, ""), ("wall ms", 9, ".1f"), ("÷ bare", 8, ".2f")],
        [(name, wall[name] * 1000, wall[name] / wall["bare GETs"]) for name in wall],
    )
    if as_json:
        print_json({"sources_vs_bare": ratio, "feeds": plan.feeds})


def main() -> int:
    """Parse the options and run the benchmark, cleaning up on any exit."""
    from _support import run_benchmark

    parser = make_parser(__doc__)
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    body = partial(benchmark, plan, args.json)
    return run_benchmark(body, prefix="bench-sources-", stopped="the feed site")


if __name__ == "__main__":
    sys.exit(main())
