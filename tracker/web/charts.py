"""Server-rendered SVG charts: geometry only; the template draws it and the table beside it."""

from dataclasses import dataclass

from tracker.items.statuses import Status
from tracker.items.timeline import TimelinePoint

WIDTH = 640
HEIGHT = 240
AXIS = 28  # room under the bars for the month labels
LEFT = 32  # room for the count axis


@dataclass(frozen=True)
class Segment:
    status: str
    count: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    width: float
    segments: list[Segment]


def stacked_bars(points: list[TimelinePoint]) -> tuple[list[Bar], int]:
    """Return one stacked bar per point (bottom-up in vocabulary order) and the axis maximum."""
    top = max((point.total for point in points), default=0) or 1
    slot = (WIDTH - LEFT) / max(len(points), 1)
    plot = HEIGHT - AXIS
    bars = []
    for index, point in enumerate(points):
        y = float(plot)
        segments = []
        for status in Status:
            count = point.counts.get(status.value, 0)
            if count:
                height = plot * count / top
                y -= height
                segments.append(Segment(status.value, count, round(y, 2), round(height, 2)))
        x = round(LEFT + index * slot + slot * 0.15, 2)
        bars.append(Bar(point.on.strftime("%b %Y"), x, round(slot * 0.7, 2), segments))
    return bars, top
