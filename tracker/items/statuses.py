"""The implementation status vocabulary shown to monitors and the public."""

from dataclasses import dataclass
from enum import StrEnum

from tracker.i18n import N_


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
            N_("Not assessed"),
            N_("No monitor has assessed this paragraph yet."),
        ),
        StatusInfo(
            Status.NO_PROGRESS,
            N_("No progress"),
            N_("Nothing has been done that answers this paragraph."),
        ),
        StatusInfo(
            Status.IN_PROGRESS,
            N_("In progress"),
            N_(
                "Steps have started, such as a draft law or a request, "
                "but nothing is in effect yet."
            ),
        ),
        StatusInfo(
            Status.PARTIALLY_IMPLEMENTED,
            N_("Partially implemented"),
            N_("Part of what the paragraph asks is in effect; part is still missing."),
        ),
        StatusInfo(
            Status.IMPLEMENTED,
            N_("Implemented"),
            N_("What the paragraph asks for is in effect."),
        ),
        StatusInfo(
            Status.REGRESSED,
            N_("Regressed"),
            N_("The situation has moved away from what the paragraph asks for."),
        ),
    )
}


def status_label(value: str) -> str:
    """Return the human label of a status value."""
    return STATUS_INFO[Status(value)].label
