"""The treaty state vocabulary: names, order, labels, backwards moves, derivation from a record.

Every other module takes treaty states from here; nothing else spells a state's rank or label.
"""

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from tracker.items.statuses import Status

NOT_SIGNED = "not_signed"
SIGNED = "signed"
RATIFIED = "ratified"
ACCEDED = "acceded"
IN_FORCE = "in_force"
DENOUNCED = "denounced"
SUSPENDED = "suspended"
#: Shown, never derived from a chart: a live invitation, and the partial agreements' states.
INVITED = "invited"
MEMBER = "member"
NOT_MEMBER = "not_member"

#: How far along each state is; a lower rank after a higher one is a move backwards.
STATE_RANK = {
    NOT_SIGNED: 0,
    SIGNED: 1,
    RATIFIED: 2,
    ACCEDED: 2,
    IN_FORCE: 3,
    SUSPENDED: 4,
    DENOUNCED: 5,
}

#: The states a chart of signatures can yield.
TREATY_STATES = tuple(STATE_RANK)

STATE_LABELS = {
    NOT_SIGNED: "Not signed",
    INVITED: "Invited to accede",
    SIGNED: "Signed",
    RATIFIED: "Ratified",
    ACCEDED: "Acceded",
    IN_FORCE: "In force",
    DENOUNCED: "Denounced",
    SUSPENDED: "Suspended",
    MEMBER: "Member",
    NOT_MEMBER: "Not a member",
}

#: What a treaty state suggests for the paragraphs about it; a monitor decides.
SUGGESTED_STATUS = {
    NOT_SIGNED: Status.NO_PROGRESS,
    SIGNED: Status.IN_PROGRESS,
    RATIFIED: Status.IMPLEMENTED,
    ACCEDED: Status.IMPLEMENTED,
    IN_FORCE: Status.IMPLEMENTED,
    DENOUNCED: Status.REGRESSED,
    SUSPENDED: Status.REGRESSED,
}


class CountryDates(Protocol):
    """What state derivation reads of a country's row in a chart."""

    signed_on: date | None
    consent_on: date | None
    in_force_on: date | None
    denounced_on: date | None
    suspended_on: date | None


def state_label(state: str | None) -> str:
    """Return the human label of a treaty state."""
    return STATE_LABELS.get(state or "", state or "—")


def suggested_status(new_state: str, *, backwards: bool) -> Status:
    """Return the item status a treaty's new state suggests."""
    return Status.REGRESSED if backwards else SUGGESTED_STATUS.get(new_state, Status.IN_PROGRESS)


def derive_treaty_state(record: CountryDates | None, *, today: date) -> str:
    """Return the state of the record's country on its treaty, as of ``today``."""
    if record is None:
        return NOT_SIGNED
    if record.denounced_on and record.suspended_on:
        return SUSPENDED if record.suspended_on > record.denounced_on else DENOUNCED
    if record.denounced_on:
        return DENOUNCED
    if record.suspended_on:
        return SUSPENDED
    if record.in_force_on and record.in_force_on <= today:
        return IN_FORCE
    if record.consent_on:
        return RATIFIED if record.signed_on else ACCEDED
    if record.signed_on:
        return SIGNED
    return NOT_SIGNED


def is_backwards(
    old_state: str | None,
    old_dates: Mapping[str, date | None],
    new_state: str,
    new_dates: Mapping[str, date | None],
) -> bool:
    """Tell whether going from the old observation to the new one is a move backwards."""
    for name in (old_state, new_state):
        if name is not None and name not in STATE_RANK:
            raise ValueError(f"unknown treaty state {name!r}")
    if old_state is None:
        return False
    if STATE_RANK[new_state] < STATE_RANK[old_state]:
        return True
    return any(
        value is not None and new_dates.get(name) is None for name, value in old_dates.items()
    )
