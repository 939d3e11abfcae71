"""How many requests to send one site at once, from how long its first answer kept us waiting.

Threads hide the wait of a distant site. A near and quick one (a mirror, a test server) answers
before a thread could hand over, and asking it in parallel only adds contention for the
interpreter: its requests go one at a time.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

#: A first answer that kept the caller waiting less than this comes from a near source.
NEAR_SOURCE_SECONDS = 0.005


@dataclass(frozen=True)
class FirstAnswer:
    """How long the first request to a site waited for it, and worked on its answer (seconds)."""

    waited: float
    worked: float

    def worth_parallel(self, near_source_seconds: float = NEAR_SOURCE_SECONDS) -> bool:
        """Tell whether the site kept the request waiting longer than it worked, and long."""
        return self.waited >= max(self.worked, near_source_seconds)


def first_answer(call: Callable[[], T]) -> tuple[T, FirstAnswer]:
    """Run ``call`` (the first request to a site) and tell how long it waited and worked."""
    wall, work = time.perf_counter(), time.thread_time()
    result = call()
    worked = time.thread_time() - work
    return result, FirstAnswer(waited=time.perf_counter() - wall - worked, worked=worked)
