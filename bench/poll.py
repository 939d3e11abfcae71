"""Benchmark the treaty poll against bare GETs of the same charts, on a fake Treaty Office.

Run ``.venv/bin/python bench/poll.py`` (add ``--quick`` for a smoke test).
"""

import dataclasses
import gc
import json
import secrets
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import httpx
from _support import (
    ROOT,
    BenchError,
    ask,
    make_parser,
    medians,
    print_json,
    print_table,
    run_benchmark,
    run_rounds,
    seeded_engine,
    spawn,
)
from sqlalchemy import Engine, event

from jobs import poll_treaties
from jobs.context import JobContext
from tracker import clock
from tracker.config import Settings, load_settings
from tracker.db import begin_write, unit_of_work
from tracker.models import SourceStatus, Treaty
from tracker.sources.health import TREATY_OFFICE

sys.path.insert(0, str(ROOT))  # tests/ is not installed with the package

from tests.fake_treaty_office import DEFAULT_TOKEN, chart_row, standard_chart  # noqa: E402
from tests.treaty_helpers import POLLED, SEEDED_ROWS, kaz  # noqa: E402

EXTRA = tuple(range(211, 241))  # 30 treaty numbers that are not on the watch-list
SIGNED_BASE = date(2026, 1, 1)
FAKE_SERVER = """import json, sys, threading
from tests.fake_treaty_office import _QuietHandler, FakeTreatyOffice, make_server
fake = FakeTreatyOffice()
server = make_server("127.0.0.1", 0, fake.wsgi_app, threaded=True, request_handler=_QuietHandler)
fake.base_url = f"http://127.0.0.1:{server.server_port}"
fake.set_page_shell()
threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
print(json.dumps({"page_url": fake.page_url, "api_url": fake.api_url}), flush=True)
for line in sys.stdin:  # ends when the benchmark exits, however it exits
    for number, chart in json.loads(line).items():  # {treaty number: chart}; answer "ok"
        fake.set_chart(int(number), chart)
    print("ok", flush=True)
"""


@dataclasses.dataclass(frozen=True)
class Plan:
    """How many interleaved rounds to measure."""

    rounds: int
    warmup: int


FULL = Plan(rounds=15, warmup=3)
QUICK = Plan(rounds=3, warmup=1)


class FakeOffice:
    """A fake Treaty Office in a child process, driven over its stdin."""

    def __init__(self, stack: ExitStack) -> None:
        self.process = spawn(stack, [sys.executable, "-c", FAKE_SERVER], cwd=ROOT)
        line = self.process.stdout.readline()
        if not line:
            raise BenchError(f"the fake Treaty Office did not start (exit {self.process.wait()})")
        urls = json.loads(line)
        self.page_url, self.api_url = urls["page_url"], urls["api_url"]

    def set_charts(self, charts: dict[int, list]) -> None:
        """Serve these charts from now on."""
        if ask(self.process, json.dumps(charts)).strip() != "ok":
            raise BenchError("the fake Treaty Office stopped answering its control channel")

    def signatures_url(self, number: int) -> str:
        """Return the URL the client fetches for a treaty's chart."""
        return f"{self.api_url}api/signatures?numSTE={number:03d}&langue=ENG"


def initial_charts() -> dict[int, list]:
    """Return charts that agree with the seeded watch-list and the extra treaties."""
    charts = {n: standard_chart(n, kaz(n, **SEEDED_ROWS.get(n, {}))) for n in POLLED}
    return charts | {n: standard_chart(n) for n in EXTRA}  # Kazakhstan not a party


def signed_chart(number: int, signed: date) -> list:
    """Return a chart in which Kazakhstan signed the treaty on ``signed``."""
    return standard_chart(number, chart_row("KAZ", "Kazakhstan", number, signed=signed))


def create_database(url: str) -> Engine:
    """Create, migrate and seed a database, then add the extra polled treaties."""
    engine = seeded_engine(url, now=clock.now())
    with unit_of_work(engine) as session:
        begin_write(session)
        for position, number in enumerate(EXTRA, start=100):
            session.add(
                Treaty(
                    slug=f"cets-{number:03d}",
                    kind="treaty",
                    series="CETS",
                    number=number,
                    short_name=f"Benchmark treaty {number}",
                    title=f"Benchmark treaty {number}",
                    position=position,
                    polled=True,
                    state="not_signed",
                    state_source="Added by bench/poll.py.",
                )
            )
    return engine


def poll(engine: Engine, settings: Settings, *, expect: dict[str, int]) -> Callable[[], None]:
    """Return a function that runs the poll job once and checks its counts."""

    def run() -> None:
        ctx = JobContext(engine=engine, settings=settings, now=clock.now())
        counts = poll_treaties.run(ctx)
        if counts["failed"]:
            with unit_of_work(engine) as session:
                error = session.get(SourceStatus, TREATY_OFFICE).last_error
            raise BenchError(f"the poll failed: {error}")
        wrong = {key: counts.get(key) for key, value in expect.items() if counts.get(key) != value}
        if wrong:
            raise BenchError(f"the poll counted {counts}; expected {expect}")

    return run


def bare_gets(urls: list[str], *, user_agent: str) -> Callable[[], None]:
    """Return a function that GETs every URL over one new httpx.Client with the token."""

    def run() -> None:
        headers = {"User-Agent": user_agent, "token": DEFAULT_TOKEN}
        with httpx.Client(headers=headers, verify=False, trust_env=False) as client:
            for url in urls:
                response = client.get(url)
                if response.status_code != 200:
                    raise BenchError(f"{url} answered {response.status_code}")

    return run


def timed(
    run: Callable[[], None], statements: list[int], prepare: Callable[[], None] | None = None
) -> tuple[float, float, int]:
    """Prepare, untimed; run once after a garbage collection; return wall, CPU ms, SQL count."""
    if prepare:
        prepare()
    gc.collect()
    counted, wall, cpu = statements[0], time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall * 1000, cpu * 1000, statements[0] - counted


def benchmark(plan: Plan, as_json: bool, *, tmp: Path, stack: ExitStack) -> None:
    """Build the database and the fake, measure the three targets in rounds, print medians."""
    fake = FakeOffice(stack)
    fake.set_charts(initial_charts())
    url = f"sqlite:///{tmp / 'poll.sqlite3'}"
    engine = create_database(url)
    stack.callback(engine.dispose)
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count_statement(*_args) -> None:
        statements[0] += 1

    env = {"TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": secrets.token_urlsafe(32)}
    settings = dataclasses.replace(
        load_settings(env, instance_path=tmp),
        coe_page_url=fake.page_url,
        coe_api_url=fake.api_url,
        coe_token=DEFAULT_TOKEN,
    )
    treaties = len(POLLED) + len(EXTRA)
    first = timed(
        poll(engine, settings, expect={"treaties": treaties, "stored": treaties}), statements
    )[0]
    print(f"first poll of {treaties} treaties (stores every chart): {first:.0f} ms")
    unchanged = poll(engine, settings, expect={"treaties": treaties, "changed": 0, "stored": 0})
    changed = poll(engine, settings, expect={"treaties": treaties, "changed": 1, "stored": 1})
    urls = [fake.signatures_url(n) for n in (*POLLED, *EXTRA)]
    bare = bare_gets(urls, user_agent=settings.user_agent)
    changes = iter(range(10**6))

    def one_change() -> None:  # outside the timing: a new signature date for one extra treaty
        n = next(changes)
        number = EXTRA[n % len(EXTRA)]
        fake.set_charts({number: signed_chart(number, SIGNED_BASE + timedelta(days=n))})

    targets = {
        "bare GETs": (None, bare),
        "poll, no change": (None, unchanged),
        "poll, one change": (one_change, changed),
    }
    for _ in range(plan.warmup):
        for prepare, run in targets.values():
            if prepare:
                prepare()
            run()
    runs = run_rounds(
        {
            name: partial(timed, run, statements, prepare)
            for name, (prepare, run) in targets.items()
        },
        plan.rounds,
        unit="wall ms",
        show=lambda result: f"{result[0]:.1f}",
    )
    wall, cpu, sql = (medians(runs, k) for k in range(3))
    print(
        f"\n{treaties} treaties ({len(POLLED)} of the watch-list + {len(EXTRA)} extra) on a fake"
        f" Treaty Office in a child process; SQLite (WAL) in a temporary file\n"
        f"{plan.rounds} interleaved rounds after {plan.warmup} warm-up rounds; CPU: this"
        f" process only (the poller or the bare client), not the fake\n"
        f"bare GETs: {treaties} GETs over one new httpx.Client with the token header\n"
        f"poll: jobs.poll_treaties.run, its own client (page shell + {treaties} GETs);"
        f" one change: a new signature date on one extra treaty's chart before the poll\n"
    )
    columns = [
        ("target (median of rounds)", 26, ""),
        ("wall ms", 9, ".1f"),
        ("÷ bare", 8, ".2f"),
        ("CPU ms", 9, ".1f"),
        ("÷ bare", 8, ".2f"),
        ("wall ms/treaty", 16, ".2f"),
        ("SQL", 6, ".0f"),
    ]
    print_table(
        columns,
        [
            (
                name,
                wall[name],
                wall[name] / wall["bare GETs"],
                cpu[name],
                cpu[name] / cpu["bare GETs"],
                wall[name] / treaties,
                sql[name],
            )
            for name in targets
        ],
    )
    if as_json:
        print_json(
            {
                "poll_unchanged_vs_bare": wall["poll, no change"] / wall["bare GETs"],
                "poll_one_change_vs_bare": wall["poll, one change"] / wall["bare GETs"],
            }
        )


def main() -> int:
    """Parse the options and run the benchmark, cleaning up on any exit."""
    args = make_parser(__doc__).parse_args()
    plan = QUICK if args.quick else FULL
    body = partial(benchmark, plan, args.json)
    return run_benchmark(body, prefix="bench-poll-", stopped="the fake")


if __name__ == "__main__":
    sys.exit(main())
