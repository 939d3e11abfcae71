"""The implementation status vocabulary shown to monitors and the public."""

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    NOT_ASSESSED = "not_assessed"
    NO_PROGRESS = "no_progress"
    IN_PROGRESS = "in_progress"
    PARTIALLY_IMPLEMENTED = "partially_implemented"
    IMPLEMENTED = "implemented"
    REGRESSED = "regressed"


@dataclass(frozen=True)
class StatusInfo:
    status: Status
    label: str
    explanation: str


STATUS_INFO: dict[Status, StatusInfo] = {
    info.status: info
    for info in (
        StatusInfo(
            Status.NOT_ASSESSED,
            "Not assessed",
            "No monitor has assessed this paragraph yet.",
        ),
        StatusInfo(
            Status.NO_PROGRESS,
            "No progress",
            "Nothing has been done that answers this paragraph.",
        ),
        StatusInfo(
            Status.IN_PROGRESS,
            "In progress",
            "Steps have started, such as a draft law or a request, but nothing is in effect yet.",
        ),
        StatusInfo(
            Status.PARTIALLY_IMPLEMENTED,
            "Partially implemented",
            "Part of what the paragraph asks is in effect; part is still missing.",
        ),
        StatusInfo(
            Status.IMPLEMENTED,
            "Implemented",
            "What the paragraph asks for is in effect.",
        ),
        StatusInfo(
            Status.REGRESSED,
            "Regressed",
            "The situation has moved away from what the paragraph asks for.",
        ),
    )
}


def status_label(value: str) -> str:
    """Return the human label of a status value."""
    return STATUS_INFO[Status(value)].label
