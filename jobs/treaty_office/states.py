"""Derive a country's state on a treaty from its record, and tell a move backwards."""

from collections.abc import Mapping
from datetime import date

from .signatures import CountryRecord

NOT_SIGNED = "not_signed"
SIGNED = "signed"
RATIFIED = "ratified"
ACCEDED = "acceded"
IN_FORCE = "in_force"
DENOUNCED = "denounced"
SUSPENDED = "suspended"

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

TREATY_STATES = tuple(STATE_RANK)


def derive_treaty_state(record: CountryRecord | None, *, today: date) -> str:
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
