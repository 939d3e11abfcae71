"""Scaffolding the benchmark scripts share: child processes, databases, rounds, tables, main."""

import argparse
import json
import math
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracker.cli import SEEDS_DIR
from tracker.db import begin_write, create_db_engine, unit_of_work
from tracker.items.status_changes import Actor, record_status_change
from tracker.items.statuses import Status
from tracker.migrate import upgrade_database
from tracker.models import Item
from tracker.texts.seeding import seed_database

ROOT = Path(__file__).resolve().parent.parent
STATUSES = [status.value for status in Status]
ACTOR = Actor(label="Bench monitor")  # a name: events refuse addresses as actors

R = TypeVar("R")
Column = tuple[str, int, str]  # header, width, format spec of the values (e.g. ".1f")


class BenchError(RuntimeError):
    """The benchmark cannot go on; the message says what did not start or did not match."""


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Terminate a child process, killing it if it does not stop within ten seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def spawn(
    stack: ExitStack, command: list[str], *, pipes: bool = True, **options: Any
) -> subprocess.Popen:
    """Start a child process that ``stack`` stops on exit, by default talking text over pipes."""
    if pipes:
        options = {"text": True, "stdin": subprocess.PIPE, "stdout": subprocess.PIPE, **options}
    # Its own session, so a Ctrl-C in the terminal reaches only us and we stop it in order.
    process = subprocess.Popen(command, start_new_session=True, **options)
    stack.callback(stop, process)
    return process


def ask(process: subprocess.Popen, line: str) -> str:
    """Send one line to a child's stdin and return its one-line answer ("" if it exited)."""
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return process.stdout.readline()


def tail(log: Path) -> str:
    """Return the end of a child's log, which is where it says why it failed."""
    return log.read_text()[-2000:]


def seeded_engine(url: str, *, now: datetime) -> Engine:
    """Create, migrate and seed a fresh database and return its engine."""
    engine = create_db_engine(url)
    upgrade_database(engine)
    with unit_of_work(engine) as session:
        begin_write(session)
        seed_database(session, SEEDS_DIR, now=now)
    return engine


def record_change(
    session: Session,
    item: Item,
    *,
    new_status: str,
    note: str,
    evidence_url: str | None,
    now: datetime,
) -> None:
    """Record one status change of ``item`` through the real writer, as the bench monitor."""
    record_status_change(
        session,
        item,
        new_status=new_status,
        note=note,
        evidence_url=evidence_url,
        actor=ACTOR,
        expected_version=item.version,
        now=now,
    )


def rotated(names: Sequence[str], round_: int) -> list[str]:
    """Return the names in this round's order."""
    shift = round_ % len(names)  # rotate, so no target always runs right after another
    return [*names[shift:], *names[:shift]]


def run_rounds(
    targets: Mapping[str, Callable[[], R]], rounds: int, *, unit: str, show: Callable[[R], str]
) -> dict[str, list[R]]:
    """Run every target once per round in rotated order, print each round, return the results."""
    names = list(targets)
    runs: dict[str, list[R]] = {name: [] for name in names}
    for round_ in range(rounds):
        for name in rotated(names, round_):
            runs[name].append(targets[name]())
        print(
            f"round {round_ + 1}/{rounds}, {unit}: "
            + ", ".join(f"{name} {show(runs[name][-1])}" for name in names)
        )
    return runs


def medians(runs: Mapping[str, Iterable[Any]], key: str | int) -> dict[str, float]:
    """Return, per target, the median of one measurement over its rounds."""
    return {name: statistics.median(run[key] for run in results) for name, results in runs.items()}


def print_table(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    """Print a header and rows: the first column left-aligned text, the others numbers."""
    (title, first, _), rest = columns[0], columns[1:]
    print(f"{title:<{first}}" + "".join(f"{header:>{width}}" for header, width, _ in rest))
    for name, *values in rows:
        cells = zip(values, rest, strict=True)
        print(f"{name:<{first}}" + "".join(f"{v:>{width}{spec}}" for v, (_, width, spec) in cells))


def make_parser(
    doc: str, *, quick: str = "a smaller run for a smoke test"
) -> argparse.ArgumentParser:
    """Return an argument parser described by the script's first docstring line, with --quick."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument(
        "--json", action="store_true", help="end with one JSON line of the measures (ratios)"
    )
    return parser


def print_json(measures: Mapping[str, float | None]) -> None:
    """Print the measures as one JSON object on one line: the last line, for machines."""
    rounded = {
        key: None if value is None or not math.isfinite(value) else round(value, 3)
        for key, value in measures.items()
    }
    print(json.dumps(rounded), flush=True)


def run_benchmark(body: Callable[..., None], *, prefix: str, stopped: str) -> int:
    """Call ``body(tmp=..., stack=...)``, cleaning up on any exit; return the exit status."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up as on Ctrl-C
    try:
        with ExitStack() as stack:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
            body(tmp=tmp, stack=stack)
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"interrupted; {stopped} stopped and temporary files removed", file=sys.stderr)
        return 130
    return 0
