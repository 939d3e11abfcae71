"""The one clock: every "now" in the tracker comes from ``now()``, which tests can set.

Jobs receive the time of their run through their context (``JobContext.now``); requests and
commands call ``now()`` once at their boundary and pass it down as ``now=``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_fixed: datetime | None = None


def now() -> datetime:
    """Return the current time, aware, in UTC (or the time a test set)."""
    return _fixed if _fixed is not None else datetime.now(UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block (for tests and replays)."""
    global _fixed
    if moment.tzinfo is None:
        raise ValueError("the clock keeps aware UTC datetimes only")
    previous, _fixed = _fixed, moment.astimezone(UTC)
    try:
        yield
    finally:
        _fixed = previous
