"""The treaty state vocabulary: names, order, labels, which moves need confirmation, derivation.

Every other module takes treaty states from here; nothing else spells a state's rank or label.
"""

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from tracker.i18n import N_
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
    NOT_SIGNED: N_("Not signed"),
    INVITED: N_("Invited to accede"),
    SIGNED: N_("Signed"),
    RATIFIED: N_("Ratified"),
    ACCEDED: N_("Acceded"),
    IN_FORCE: N_("In force"),
    DENOUNCED: N_("Denounced"),
    SUSPENDED: N_("Suspended"),
    MEMBER: N_("Member"),
    NOT_MEMBER: N_("Not a member"),
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


def suggested_status(new_state: str, *, old_state: str | None) -> Status:
    """Return the item status a treaty's new state suggests: "regressed" after a step back."""
    if old_state in STATE_RANK and new_state in STATE_RANK:
        if STATE_RANK[new_state] < STATE_RANK[old_state]:
            return Status.REGRESSED
    return SUGGESTED_STATUS.get(new_state, Status.IN_PROGRESS)


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


#: How a move between two observed states is treated: applied at once (F), or held until the
#: next successful observation of the same instrument agrees (C: backwards or destructive).
#: Rows: the state recorded now; columns: the state just observed; S: the same state.
#: Dates are judged by ``classify_move``: a recorded date that disappears or changes, or a new
#: denunciation or suspension date, needs confirmation whatever the states.
_MOVE_TABLE = """
old / new    not_signed signed ratified acceded in_force denounced suspended member not_member
not_signed   S          F      F        F       F        C         C         C      C
signed       C          S      F        C       F        C         C         C      C
ratified     C          C      S        C       F        C         C         C      C
acceded      C          C      F        S       F        C         C         C      C
in_force     C          C      C        C       S        C         C         C      C
denounced    C          C      C        C       C        S         C         C      C
suspended    C          C      C        C       C        C         S         C      C
member       C          C      C        C       C        C         C         S      C
not_member   C          C      C        C       C        C         C         F      S
"""
FORWARD = "forward"
SAME = "same"
NEEDS_CONFIRMATION = "needs_confirmation"


def _read_move_table(table: str) -> dict[str, dict[str, str]]:
    names = {"F": FORWARD, "S": SAME, "C": NEEDS_CONFIRMATION}
    header, *rows = (line.split() for line in table.strip().splitlines())
    columns = header[3:]
    return {
        old: {new: names[cell] for new, cell in zip(columns, cells, strict=True)}
        for old, *cells in rows
    }


#: old state -> new state -> FORWARD, SAME or NEEDS_CONFIRMATION.
STATE_MOVES = _read_move_table(_MOVE_TABLE)
#: Dates whose mere appearance is destructive: they are held like a move to denounced.
DESTRUCTIVE_DATES = ("denounced_on", "denunciation_effective_on", "suspended_on")


def classify_move(
    old_state: str | None,
    old_dates: Mapping[str, date | None],
    new_state: str,
    new_dates: Mapping[str, date | None],
) -> str:
    """Return FORWARD, SAME or NEEDS_CONFIRMATION for a move between two observations.

    ``old_state`` None means nothing was recorded yet: any first observation is forward.
    """
    for name in (old_state, new_state):
        if name is not None and name not in STATE_MOVES:
            raise ValueError(f"unknown treaty state {name!r}")
    if old_state is None:
        return FORWARD
    move = STATE_MOVES[old_state][new_state]
    names = set(old_dates) | set(new_dates)
    changed = {name for name in names if old_dates.get(name) != new_dates.get(name)}
    if move == SAME and not changed:
        return SAME
    if move == NEEDS_CONFIRMATION:
        return NEEDS_CONFIRMATION
    for name in changed:
        if old_dates.get(name) is not None or name in DESTRUCTIVE_DATES:
            return NEEDS_CONFIRMATION  # a recorded date went or changed; or a destructive one came
    return FORWARD


def is_backwards(
    old_state: str | None,
    old_dates: Mapping[str, date | None],
    new_state: str,
    new_dates: Mapping[str, date | None],
) -> bool:
    """Tell whether the move needs a second observation before it is recorded."""
    return classify_move(old_state, old_dates, new_state, new_dates) == NEEDS_CONFIRMATION
