"""Random runs of a misbehaving Treaty Office: no false change, no change missed.

Each seed plays 14 polls of the ten charts. Kazakhstan's true row moves now and then (signature,
accession, ratification, entry into force, denunciation, a row that goes); each chart may answer
with a fault: an error, bad JSON, a challenge page, an unsolicited 304, a truncated or empty chart,
a chart of another treaty, a malformed row of another country, or a one-poll glitch (denounced,
no dates, no row, dates a day off) that a correct answer follows before the next glitch.

- false change: the recorded state and dates were never true;
- missed change: the last two successful answers agree with the truth, the record does not.
"""

import random
from datetime import date, timedelta

import pytest

from jobs import poll_treaties
from tests.fake_treaty_office import CHALLENGE_HTML, standard_chart
from tests.treaty_helpers import NOW, POLLED, SEEDED_ROWS, kaz, make_ctx, no_sleep, treaty
from tracker.sources.treaty_office import CountryRecord
from tracker.treaties.queries import DATE_NAMES
from tracker.treaties.states import derive_treaty_state

pytest_plugins = ["tests.conftest_treaty_office"]

SLUGS = {n: f"ets-{n:03d}" if n < 190 else f"cets-{n}" for n in POLLED}
ATTRIBUTES = {
    "signed": "signed_on",
    "consent": "consent_on",
    "in_force": "in_force_on",
    "denounced": "denounced_on",
}
FAULTS = ["none"] * 10 + [
    "error",
    "json",
    "challenge",
    "unsolicited-304",
    "truncated",
    "empty",
    "other-treaty",
    "other-row-bad",
    "persistent-error",
    "glitch-denounced",
    "glitch-no-dates",
    "glitch-no-row",
    "glitch-date",
]
TODAY = (NOW + timedelta(days=30)).date()


def meaning(row: dict) -> tuple:
    """Return (state, dates) as the tracker should record a true row."""
    record = CountryRecord(0, "KAZ", None, **{ATTRIBUTES[k]: v for k, v in row.items()})
    dates = tuple(sorted((ATTRIBUTES[k], v) for k, v in row.items() if v))
    return derive_treaty_state(record, today=TODAY), dates


def recorded(engine, number: int) -> tuple:
    stored = treaty(engine, SLUGS[number])
    dates = tuple(sorted((n, getattr(stored, n)) for n in DATE_NAMES if getattr(stored, n)))
    return stored.state, dates


def evolve(rng: random.Random, row: dict) -> dict:
    """Return the next true row: mostly the same, sometimes one act further or a step back."""
    if rng.random() < 0.7:
        return row
    if not row:
        return {"signed": date(2026, 1, 2)} if rng.random() < 0.5 else {"consent": date(2026, 1, 3)}
    if "consent" not in row:
        return row | {"consent": date(2026, 1, 5)}
    if "in_force" not in row:
        return row | {"in_force": date(2026, 1, 6)}
    if "denounced" not in row and rng.random() < 0.3:
        return row | {"denounced": date(2026, 1, 8)}
    return {} if rng.random() < 0.2 else row


def serve_fault(fake, number: int, fault: str, row: dict) -> None:
    if fault in ("error", "persistent-error"):
        fake.fail_treaty(number, 404)
    elif fault == "json":
        fake.respond_next_for(number, "{oops")
    elif fault == "challenge":
        fake.respond_next_for(number, CHALLENGE_HTML)
    elif fault == "unsolicited-304":
        fake.respond_next_for(number, b"", status=304)
    elif fault == "truncated":
        fake.respond_next_for(number, [standard_chart(number)[0][:1]])
    elif fault == "empty":
        fake.respond_next_for(number, "[[],[],[]]")
    elif fault == "other-treaty":
        fake.respond_next_for(
            number, standard_chart(number + 1, kaz(number + 1, signed=date(2025, 1, 1)))
        )
    elif fault == "other-row-bad":
        chart = standard_chart(number, kaz(number, **row))
        chart[0][0]["DateSignature"] = "bad"
        fake.respond_next_for(number, chart)
    elif fault == "glitch-denounced":
        other = date(2026, 2, 1) if row.get("denounced") != date(2026, 2, 1) else date(2026, 2, 2)
        fake.respond_next_for(
            number, standard_chart(number, kaz(number, **row | {"denounced": other}))
        )
    elif fault == "glitch-no-dates":
        fake.respond_next_for(number, standard_chart(number, kaz(number)))
    elif fault == "glitch-no-row":
        fake.respond_next_for(number, standard_chart(number))
    elif fault == "glitch-date":
        shifted = {key: value + timedelta(days=1) for key, value in row.items()}
        fake.respond_next_for(number, standard_chart(number, kaz(number, **shifted)))


@pytest.mark.parametrize("seed", range(8))
def test_random_faults_make_no_false_and_no_missed_change(app, engine, fake_treaty_office, seed):
    fake, rng = fake_treaty_office, random.Random(seed)
    fake.send_etag = rng.random() < 0.5
    truth = {n: dict(SEEDED_ROWS.get(n, {})) for n in POLLED}
    ever_true = {n: {meaning(truth[n])} for n in POLLED}
    answers: dict[int, list] = {n: [] for n in POLLED}  # successful answers: truth or "glitch"
    persistent: set[int] = set()
    false, missed = [], []
    for step in range(14):
        fake.treaty_faults.clear()
        faults = {}
        for n in POLLED:
            truth[n] = evolve(rng, truth[n]) if step else truth[n]
            ever_true[n].add(meaning(truth[n]))
            row_or_none = kaz(n, **truth[n]) if truth[n] or rng.random() < 0.5 else None
            fake.set_chart(n, standard_chart(n, row_or_none))
            fault = rng.choice(FAULTS) if step else "none"
            if n in persistent and rng.random() < 0.7:
                fault = "persistent-error"
            glitch = fault.startswith("glitch")
            if glitch and (not answers[n] or answers[n][-1] == "glitch"):
                fault = "none"  # a one-poll glitch: a correct answer comes before the next
            if fault == "glitch-date" and recorded(engine, n) != meaning(truth[n]):
                fault = "none"  # a forward move with a wrong date is applied at once, by design
            if fault == "persistent-error":
                persistent.add(n)
            faults[n] = fault
            serve_fault(fake, n, fault, truth[n])
        poll_treaties.run(
            make_ctx(app, fake, now=NOW + timedelta(days=30, hours=step)), sleep=no_sleep
        )
        for n in POLLED:
            if faults[n] in ("none", "other-row-bad"):
                answers[n].append(meaning(truth[n]))
            elif faults[n].startswith("glitch"):
                answers[n].append("glitch")
            now_recorded = recorded(engine, n)
            if treaty(engine, SLUGS[n]).state_origin == "poll" and now_recorded not in ever_true[n]:
                false.append((seed, step, SLUGS[n], now_recorded))
            last_two = answers[n][-2:]
            if len(last_two) == 2 and last_two[0] == last_two[1] != now_recorded:
                missed.append((seed, step, SLUGS[n], now_recorded, last_two[0]))
    assert false == [] and missed == []
