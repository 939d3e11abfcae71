"""Roll a parent paragraph's operative sub-paragraphs up into "2 of 4 in progress"."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.items.statuses import STATUS_INFO, Status
from tracker.models import Item
from tracker.texts.roles import OPERATIVE


@dataclass(frozen=True)
class Rollup:
    """How many of a parent's operative sub-paragraphs have each status."""

    total: int
    counts: tuple[tuple[str, int], ...]  # (status value, count), in vocabulary order, no zeros

    def phrases(self) -> list[str]:
        """Return "2 of 4 in progress"-style phrases, one per status present."""
        return [
            f"{count} of {self.total} {STATUS_INFO[Status(value)].label.lower()}"
            for value, count in self.counts
        ]


def rollup(children: Iterable[Item]) -> Rollup | None:
    """Return the roll-up of a parent's direct sub-paragraphs, or None if none is operative."""
    statuses = Counter(child.status for child in children if child.role == OPERATIVE)
    total = sum(statuses.values())
    if total == 0:
        return None
    ordered = tuple((s.value, statuses[s.value]) for s in Status if statuses[s.value])
    return Rollup(total=total, counts=ordered)


def rollups_by_parent(items: Iterable[Item]) -> dict[int, Rollup]:
    """Return the roll-up of every parent among the items, keyed by the parent's id."""
    children: dict[int, list[Item]] = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    found = {parent_id: rollup(kids) for parent_id, kids in children.items()}
    return {parent_id: found_rollup for parent_id, found_rollup in found.items() if found_rollup}
