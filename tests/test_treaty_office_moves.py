"""Which moves between observations apply at once and which wait for confirmation: every pair."""

from datetime import date

import pytest

from tracker.treaties.states import (
    FORWARD,
    NEEDS_CONFIRMATION,
    SAME,
    STATE_MOVES,
    classify_move,
)

D1, D2, D3, D4 = date(2020, 4, 22), date(2021, 5, 3), date(2022, 6, 1), date(2024, 9, 1)
NONE = dict.fromkeys(
    (
        "signed_on",
        "consent_on",
        "in_force_on",
        "denounced_on",
        "denunciation_effective_on",
        "suspended_on",
    )
)

#: Each state with the dates a chart typically gives it.
TYPICAL_DATES = {
    "not_signed": NONE,
    "signed": NONE | {"signed_on": D1},
    "ratified": NONE | {"signed_on": D1, "consent_on": D2},
    "acceded": NONE | {"consent_on": D2},
    "in_force": NONE | {"signed_on": D1, "consent_on": D2, "in_force_on": D3},
    "denounced": NONE | {"signed_on": D1, "consent_on": D2, "in_force_on": D3, "denounced_on": D4},
    "suspended": NONE | {"signed_on": D1, "consent_on": D2, "in_force_on": D3, "suspended_on": D4},
    "member": NONE,
    "not_member": NONE,
}
#: Written out here, apart from the table under test: the only moves that apply at once.
FORWARD_PAIRS = {
    ("not_signed", "signed"),
    ("not_signed", "ratified"),
    ("not_signed", "acceded"),
    ("not_signed", "in_force"),
    ("signed", "ratified"),
    ("signed", "in_force"),
    ("ratified", "in_force"),
    ("acceded", "ratified"),
    ("acceded", "in_force"),
    ("not_member", "member"),
}
PAIRS = [(old, new) for old in TYPICAL_DATES for new in TYPICAL_DATES]


def expected(old: str, new: str) -> str:
    if old == new:
        return SAME
    return FORWARD if (old, new) in FORWARD_PAIRS else NEEDS_CONFIRMATION


def test_the_table_covers_every_pair_of_states():
    assert set(STATE_MOVES) == set(TYPICAL_DATES)
    assert all(set(row) == set(TYPICAL_DATES) for row in STATE_MOVES.values())


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{o}->{n}" for o, n in PAIRS])
def test_every_pair_with_typical_dates(old, new):
    assert classify_move(old, TYPICAL_DATES[old], new, TYPICAL_DATES[new]) == expected(old, new)


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{o}->{n}" for o, n in PAIRS])
def test_every_pair_by_state_alone(old, new):
    """With no dates at all, the states decide."""
    assert classify_move(old, NONE, new, NONE) == expected(old, new)


@pytest.mark.parametrize(
    ("state", "old_dates", "new_dates", "move"),
    [
        pytest.param("signed", {"signed_on": D1}, {"signed_on": D1}, SAME, id="same"),
        pytest.param("signed", {"signed_on": D1}, {"signed_on": D2}, NEEDS_CONFIRMATION, id="new"),
        pytest.param(
            "in_force",
            {"signed_on": D1, "consent_on": D2, "in_force_on": D3},
            {"signed_on": None, "consent_on": D2, "in_force_on": D3},
            NEEDS_CONFIRMATION,
            id="date-disappears",
        ),
        pytest.param(
            "in_force",
            {"consent_on": D2, "in_force_on": D3},
            {"signed_on": D1, "consent_on": D2, "in_force_on": D3},
            FORWARD,
            id="date-filled-in",
        ),
        pytest.param(
            "in_force",
            {"consent_on": D2, "in_force_on": D3},
            {"consent_on": D2, "in_force_on": D3, "denunciation_effective_on": D4},
            NEEDS_CONFIRMATION,
            id="destructive-date-appears",
        ),
        pytest.param(
            "denounced",
            {"denounced_on": D3},
            {"denounced_on": D3, "denunciation_effective_on": D4},
            NEEDS_CONFIRMATION,
            id="denunciation-effect-appears",
        ),
        pytest.param(
            "in_force",
            {"consent_on": D2, "in_force_on": D3},
            {"consent_on": D2},
            NEEDS_CONFIRMATION,
            id="key-missing-is-a-date-gone",
        ),
    ],
)
def test_dates_within_one_state(state, old_dates, new_dates, move):
    assert classify_move(state, old_dates, state, new_dates) == move


def test_a_forward_state_move_that_drops_a_date_needs_confirmation():
    # Signed on D1, then "ratified" with another signature date: the signature date changed.
    old = NONE | {"signed_on": D1}
    new = NONE | {"signed_on": D2, "consent_on": D3}
    assert classify_move("signed", old, "ratified", new) == NEEDS_CONFIRMATION


def test_nothing_recorded_yet_is_forward():
    assert classify_move(None, {}, "denounced", TYPICAL_DATES["denounced"]) == FORWARD


def test_unknown_states_are_refused():
    with pytest.raises(ValueError, match="unknown treaty state"):
        classify_move("party", NONE, "signed", NONE)
    with pytest.raises(ValueError, match="unknown treaty state"):
        classify_move("signed", NONE, "invited", NONE)
