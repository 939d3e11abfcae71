"""Treaty Office state derivation and chart parsing, against a fake on 127.0.0.1."""

import json
from datetime import date

import pytest

from tests.fake_treaty_office import SIGNATURES_PATH, standard_chart
from tests.treaty_office_client_helpers import D1, D2, D3, D4, NOW, TODAY, client_factory, kaz
from tracker.sources.treaty_office import (
    CountryRecord,
    InvalidJsonError,
    SourceFormatError,
    parse_signatures,
)
from tracker.treaties.states import derive_treaty_state, is_backwards

pytest_plugins = ["tests.conftest_treaty_office"]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(fake_treaty_office, sleeps):
    yield from client_factory(fake_treaty_office, sleeps)


@pytest.mark.parametrize(
    ("row", "state"),
    [
        pytest.param(None, "not_signed", id="no-row"),
        pytest.param(kaz(), "not_signed", id="row-with-no-dates"),
        pytest.param(kaz(signed=D1), "signed", id="signature"),
        pytest.param(kaz(signed=D1, consent=D2), "ratified", id="ratification"),
        pytest.param(kaz(consent=D2), "acceded", id="accession"),
        pytest.param(kaz(signed=D1, consent=D2, in_force=D3), "in_force", id="in-force-past"),
        pytest.param(kaz(consent=D2, in_force=TODAY), "in_force", id="in-force-today"),
        pytest.param(
            kaz(signed=D1, consent=D2, in_force=date(2026, 3, 1)), "ratified", id="in-force-future"
        ),
        pytest.param(
            kaz(consent=D2, in_force=date(2026, 3, 1)), "acceded", id="accession-in-force-future"
        ),
        pytest.param(
            kaz(consent=D1, in_force=D2, denounced=D3, denunciation_effective=D4),
            "denounced",
            id="denunciation",
        ),
        pytest.param(kaz(consent=D1, in_force=D2, suspended=D3), "suspended", id="suspension"),
    ],
)
def test_observe_derives_each_state(fake_treaty_office, make_client, row, state):
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=row))
    with make_client() as client:
        observation = client.observe(210, today=TODAY)
    assert observation.state == state
    assert observation.record.country_code == "KAZ"
    assert observation.record.country_name == (None if row is None else "Kazakhstan")
    assert observation.fetch.status_code == 200
    assert observation.fetch.fetched_at == NOW
    assert len(observation.fetch.sha256) == 64


def test_observe_keeps_every_date(fake_treaty_office, make_client):
    row = kaz(signed=D1, consent=D2, in_force=D3, denounced=D4, denunciation_effective=TODAY)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=row))
    record = make_client().observe(210, today=TODAY).record
    assert record == CountryRecord(210, "KAZ", "Kazakhstan", D1, D2, D3, D4, TODAY, None)


@pytest.mark.parametrize(
    ("denounced", "suspended", "state"),
    [(D3, D4, "suspended"), (D4, D3, "denounced"), (D3, D3, "denounced")],
)
def test_denunciation_and_suspension_the_later_wins(denounced, suspended, state):
    record = CountryRecord(210, "KAZ", "Kazakhstan", D1, D2, D2, denounced, None, suspended)
    assert derive_treaty_state(record, today=TODAY) == state


def test_derive_treaty_state_of_nothing():
    assert derive_treaty_state(None, today=TODAY) == "not_signed"


@pytest.mark.parametrize("bucket", [0, 1, 2])
def test_row_is_found_by_code_in_any_bucket(fake_treaty_office, make_client, bucket):
    buckets = standard_chart(30)
    buckets[bucket].insert(1, kaz(30, consent=D2))
    fake_treaty_office.set_chart(30, buckets)
    observation = make_client().observe(30, today=TODAY)
    assert observation.state == "acceded"
    assert fake_treaty_office.last_request(SIGNATURES_PATH).query == {
        "numSTE": "030",
        "langue": "ENG",
    }


# Chart shape ---------------------------------------------------------------------------


def test_invalid_json(fake_treaty_office, make_client):
    fake_treaty_office.respond_next(SIGNATURES_PATH, "<html>maintenance</html>")
    with pytest.raises(InvalidJsonError, match="not valid JSON") as caught:
        make_client().observe(210)
    assert caught.value.url.endswith("numSTE=210&langue=ENG")


def good_row(**changes) -> dict:
    return {**kaz(signed=D1), **changes}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"Message": "error"}, "not a list of buckets", id="not-a-list"),
        pytest.param([], "no buckets", id="no-buckets"),
        pytest.param([[], [], []], "every bucket of the chart is empty", id="all-empty"),
        pytest.param([[good_row()], {"a": 1}, []], "bucket 1 .* not a list", id="bucket-not-list"),
        pytest.param([[good_row()], ["KAZ"]], "row 0 of bucket 1 .* not an object", id="row-text"),
        pytest.param([[{"LibPaysOrga": "Kazakhstan"}]], "has no CodePays", id="no-code"),
        pytest.param([[good_row(CodePays="")]], "has no CodePays", id="empty-code"),
        pytest.param([[good_row(DateSignature="2020-04-22")]], "DateSignature", id="date-only"),
        pytest.param([[good_row(DateConsentement="22/04/2020")]], "DateConsentement", id="d/m/y"),
        pytest.param([[good_row(DateSignature="2020-02-30T00:00:00")]], "not a real", id="30-feb"),
        pytest.param([[good_row(DateSignature="2020-04-22T10:00:00")]], "DateSig", id="time"),
        pytest.param([[good_row(DateSuspension=20200422)]], "DateSuspension", id="number"),
        pytest.param(
            [[{k: v for k, v in good_row().items() if k != "DateEntreeVigueur"}]],
            "no DateEntreeVigueur field",
            id="date-field-missing",
        ),
        pytest.param(
            [[good_row()], [good_row(DateSignature=None)]], "2 rows for KAZ", id="duplicate"
        ),
        pytest.param([[good_row(NumSTE="148")]], "treaty 148, not treaty 210", id="other-treaty"),
    ],
)
def test_unexpected_shape(fake_treaty_office, make_client, body, message):
    fake_treaty_office.set_chart(210, body)
    with pytest.raises(SourceFormatError, match=message) as caught:
        make_client().observe(210)
    assert not isinstance(caught.value, InvalidJsonError)


def test_the_same_row_twice_is_one_row(fake_treaty_office, make_client):
    fake_treaty_office.set_chart(210, [[good_row()], [good_row()], []])
    assert make_client().observe(210, today=TODAY).state == "signed"


def test_parse_signatures_without_http():
    body = json.dumps(standard_chart(18, kaz=kaz(18, signed=D1, consent=D2, in_force=D3)))
    record = parse_signatures(body.encode(), treaty_number=18, country_code="kaz")
    assert (record.signed_on, record.consent_on, record.in_force_on) == (D1, D2, D3)
    assert record.has_dates


# Moving backwards ------------------------------------------------------------------------

NO_DATES = {"signed_on": None, "consent_on": None, "in_force_on": None}


@pytest.mark.parametrize(
    ("old_state", "old_dates", "new_state", "new_dates", "backwards"),
    [
        (None, {}, "not_signed", NO_DATES, False),
        ("not_signed", NO_DATES, "signed", {**NO_DATES, "signed_on": D1}, False),
        (
            "signed",
            {**NO_DATES, "signed_on": D1},
            "ratified",
            {"signed_on": D1, "consent_on": D2},
            False,
        ),
        (
            "ratified",
            {"signed_on": D1, "consent_on": D2},
            "in_force",
            {"signed_on": D1, "consent_on": D2, "in_force_on": D3},
            False,
        ),
        # A denunciation after "in force" is destructive: it waits for a second observation.
        (
            "in_force",
            {"consent_on": D2, "in_force_on": D3},
            "denounced",
            {"consent_on": D2, "in_force_on": D3, "denounced_on": D4},
            True,
        ),
        # So does a recorded date that changes.
        ("signed", {"signed_on": D1}, "signed", {"signed_on": D2}, True),
        ("in_force", {"consent_on": D2, "in_force_on": D3}, "not_signed", NO_DATES, True),
        ("ratified", {"signed_on": D1, "consent_on": D2}, "signed", {"signed_on": D1}, True),
        ("ratified", {"signed_on": D1, "consent_on": D2}, "acceded", {"consent_on": D2}, True),
        ("acceded", {"consent_on": D2}, "ratified", {"signed_on": D1, "consent_on": D2}, False),
        (
            "suspended",
            {"in_force_on": D2, "suspended_on": D3},
            "in_force",
            {"in_force_on": D2},
            True,
        ),
        ("denounced", {"denounced_on": D3}, "suspended", {"suspended_on": D4}, True),
    ],
)
def test_is_backwards(old_state, old_dates, new_state, new_dates, backwards):
    assert is_backwards(old_state, old_dates, new_state, new_dates) is backwards


def test_is_backwards_rejects_unknown_states():
    with pytest.raises(ValueError, match="unknown treaty state"):
        is_backwards("party", {}, "signed", {})


def test_is_backwards_with_records():
    old = CountryRecord(210, "KAZ", "Kazakhstan", signed_on=D1)
    new = CountryRecord(210, "KAZ", "Kazakhstan")
    assert is_backwards("signed", old.dates(), "not_signed", new.dates())
