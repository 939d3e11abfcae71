"""What every scheduled job receives: the database engine, the settings and the time."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from tracker.config import Settings


@dataclass(frozen=True)
class JobContext:
    """The inputs of one job run; jobs open their own short sessions on ``engine``."""

    engine: Engine
    settings: Settings
    now: datetime


class UnitsFailed(Exception):
    """Some units of a job (instruments, messages) failed while the others' work was kept.

    The runner records the counts, the outcome "partial" (or "failed" when every unit failed)
    and one line per failed unit.
    """

    def __init__(self, counts: dict[str, int], failures: list[str], *, total: int) -> None:
        super().__init__(f"{len(failures)} of {total} failed:\n" + "\n".join(failures))
        self.counts = counts
        self.failures = failures
        self.outcome = "failed" if len(failures) >= total else "partial"
