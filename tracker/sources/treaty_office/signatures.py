"""Parse the chart of signatures and ratifications returned by ``api/signatures``."""

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .errors import InvalidJsonError, SourceFormatError

#: Row field of the service -> attribute of ``CountryRecord``. Every row must carry them all.
DATE_FIELDS = {
    "DateSignature": "signed_on",
    "DateConsentement": "consent_on",
    "DateEntreeVigueur": "in_force_on",
    "DateDenonciation": "denounced_on",
    "DateEffetDenonciation": "denunciation_effective_on",
    "DateSuspension": "suspended_on",
}

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00$")


@dataclass(frozen=True)
class CountryRecord:
    """One country's acts on one treaty, as the chart states them."""

    treaty_number: int
    country_code: str
    country_name: str | None
    signed_on: date | None = None
    consent_on: date | None = None
    in_force_on: date | None = None
    denounced_on: date | None = None
    denunciation_effective_on: date | None = None
    suspended_on: date | None = None

    def dates(self) -> dict[str, date | None]:
        """Return the date attributes by name."""
        return {name: getattr(self, name) for name in DATE_FIELDS.values()}

    @property
    def has_dates(self) -> bool:
        """Tell whether the chart records any act of the country."""
        return any(self.dates().values())


#: The chart's buckets: member States, non-member States, international organisations.
EXPECTED_BUCKETS = 3
#: Fewest rows of other countries for a chart without the country's row to count as complete.
#: The live charts list every member State (46); the test fake's list three rows. A chart that
#: lost rows since the last one read is caught by the caller, which knows that one.
MIN_OTHER_ROWS = 3
#: Earliest plausible date of an act (the Council of Europe was founded in 1949).
EARLIEST_ACT = date(1949, 5, 5)
#: How far ahead of our UTC date the Treaty Office's (Strasbourg) date may be.
AHEAD = timedelta(days=1)
#: Acts that cannot be dated in the future (entry into force and effect of a denunciation can).
PAST_ONLY = ("signed_on", "consent_on", "denounced_on", "suspended_on")


@dataclass(frozen=True)
class ChartReading:
    """What a chart says of one country, and how complete and well-formed the rest of it was."""

    record: CountryRecord
    has_row: bool
    buckets: int
    other_rows: int
    skipped: tuple[str, ...] = ()


def parse_chart(body: bytes | str) -> list[list[Any]]:
    """Return the chart's buckets, checking only that it is a JSON list of lists."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidJsonError(f"the chart is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise SourceFormatError(f"the chart is a JSON {type(data).__name__}, not a list of buckets")
    if not data:
        raise SourceFormatError("the chart has no buckets")
    for bucket_index, bucket in enumerate(data):
        if not isinstance(bucket, list):
            raise SourceFormatError(
                f"bucket {bucket_index} of the chart is a {type(bucket).__name__}, not a list"
            )
    if not any(data):
        raise SourceFormatError("every bucket of the chart is empty")
    return data


def read_chart(
    body: bytes | str, *, treaty_number: int, country_code: str, today: date | None = None
) -> ChartReading:
    """Read the country's row strictly; skip and count malformed rows of other countries.

    A chart without the country's row reads as "no dates" only when it otherwise looks
    complete; ``today`` (if given) rejects acts dated in the future.
    """
    buckets = parse_chart(body)
    wanted = country_code.strip().upper()
    mine: list[tuple[str, dict]] = []
    skipped: list[str] = []
    unidentified: list[str] = []
    other_treaty = other_rows = 0
    for bucket_index, bucket in enumerate(buckets):
        for row_index, row in enumerate(bucket):
            where = f"row {row_index} of bucket {bucket_index}"
            code = row.get("CodePays") if isinstance(row, dict) else None
            if not isinstance(code, str) or not code.strip():
                # A row nobody can name might be the country's own: never skipped silently.
                problem = (
                    f"{where} has no CodePays"
                    if isinstance(row, dict)
                    else f"{where} is a {type(row).__name__}, not an object"
                )
                (unidentified if _mentions(row, wanted) else skipped).append(problem)
                continue
            if code.strip().upper() == wanted:
                mine.append((where, row))
                continue
            other_rows += 1
            problem = _row_problem(row, treaty_number)
            if problem == "other treaty":
                other_treaty += 1
            if problem:
                skipped.append(f"{where} ({code}): {problem}")
    if unidentified:
        raise SourceFormatError(f"the chart has rows that may be {wanted}'s: {unidentified[0]}")
    if len({json.dumps(_dates_of(row), sort_keys=True) for _, row in mine}) > 1:
        # The same row twice says one thing; rows that differ cannot both be right.
        raise SourceFormatError(f"the chart has {len(mine)} rows for {wanted} that differ")
    if other_treaty * 2 > other_rows:
        raise SourceFormatError(
            f"most rows of the chart are for another treaty than treaty {treaty_number}"
        )
    if mine:
        where, row = mine[0]
        record = _country_record(row, where, treaty_number, wanted, today)
    else:
        _check_complete(buckets, other_rows, other_treaty, skipped, wanted)
        record = CountryRecord(treaty_number=treaty_number, country_code=wanted, country_name=None)
    return ChartReading(record, bool(mine), len(buckets), other_rows, tuple(skipped))


#: Readings of bodies seen lately, by (body hash, treaty, country, today): a chart that did not
#: change since the last poll is not parsed again. ``read_chart`` is a pure function of those.
_READINGS: OrderedDict[tuple, ChartReading] = OrderedDict()
_READINGS_LOCK = threading.Lock()
READINGS_KEPT = 1024


def read_chart_by_hash(
    body: bytes, *, sha256: str, treaty_number: int, country_code: str, today: date
) -> ChartReading:
    """Return ``read_chart`` of a body whose hash is ``sha256``, reusing a reading of it."""
    key = (sha256, treaty_number, country_code.strip().upper(), today)
    with _READINGS_LOCK:
        if key in _READINGS:
            _READINGS.move_to_end(key)
            return _READINGS[key]
    reading = read_chart(body, treaty_number=treaty_number, country_code=country_code, today=today)
    with _READINGS_LOCK:  # only readings: a body that fails to read raises again next time
        _READINGS[key] = reading
        if len(_READINGS) > READINGS_KEPT:
            _READINGS.popitem(last=False)
    return reading


def find_country_record(
    rows: list[dict[str, Any]], *, treaty_number: int, country_code: str
) -> CountryRecord:
    """Return the country's record from a flat list of rows (one bucket)."""
    body = json.dumps([rows])
    return read_chart(body, treaty_number=treaty_number, country_code=country_code).record


def parse_signatures(body: bytes | str, *, treaty_number: int, country_code: str) -> CountryRecord:
    """Parse an ``api/signatures`` body and return the country's record."""
    return read_chart(body, treaty_number=treaty_number, country_code=country_code).record


def _check_complete(
    buckets: list[list[Any]], other_rows: int, other_treaty: int, skipped: list[str], wanted: str
) -> None:
    problems = []
    if len(buckets) != EXPECTED_BUCKETS:
        problems.append(f"{len(buckets)} buckets instead of {EXPECTED_BUCKETS}")
    elif not buckets[0]:
        problems.append("no member States")
    if other_rows < MIN_OTHER_ROWS:
        problems.append(f"only {other_rows} rows")
    if other_treaty:
        problems.append(f"{other_treaty} rows for another treaty")
    if skipped and len(skipped) * 2 >= other_rows:
        problems.append(f"{len(skipped)} malformed rows")
    if problems:
        raise SourceFormatError(
            f"the chart has no row for {wanted} and does not look complete: {'; '.join(problems)}"
        )


def _dates_of(row: dict[str, Any]) -> dict[str, Any]:
    return {field: row.get(field) for field in (*DATE_FIELDS, "NumSTE")}


def _mentions(row: object, wanted: str) -> bool:
    return wanted in json.dumps(row, ensure_ascii=False).upper()


def _row_problem(row: dict[str, Any], treaty_number: int) -> str | None:
    for field in DATE_FIELDS:
        if field not in row:
            return f"no {field} field"
        try:
            _parse_date(row[field])
        except SourceFormatError as exc:
            return f"{field} {exc}"
    try:
        _check_treaty_number(row, treaty_number)
    except SourceFormatError:
        return "other treaty"
    return None


def _country_record(
    row: dict[str, Any], where: str, treaty_number: int, wanted: str, today: date | None
) -> CountryRecord:
    code = row["CodePays"]
    dates = {}
    for field, attribute in DATE_FIELDS.items():
        if field not in row:
            raise SourceFormatError(f"{where} of the chart ({code}) has no {field} field")
        try:
            value = _parse_date(row[field])
        except SourceFormatError as exc:
            raise SourceFormatError(f"{where} of the chart ({code}): {field} {exc}") from None
        if value is not None and value < EARLIEST_ACT:
            raise SourceFormatError(f"{where} of the chart ({code}): {field} {value} is too early")
        if value is not None and today and attribute in PAST_ONLY and value > today + AHEAD:
            raise SourceFormatError(f"{where} of the chart ({code}): {field} {value} is ahead")
        dates[attribute] = value
    _check_treaty_number(row, treaty_number, strict=True)
    name = row.get("LibPaysOrga")
    return CountryRecord(
        treaty_number=treaty_number,
        country_code=wanted,
        country_name=name if isinstance(name, str) and name else None,
        **dates,
    )


def _parse_date(value: object) -> date | None:
    if value is None:
        return None
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        raise SourceFormatError(f"is {value!r}, not a date like 2025-09-30T00:00:00 or null")
    try:
        return date.fromisoformat(match[1])
    except ValueError:
        raise SourceFormatError(f"is {value!r}, not a real date") from None


def _check_treaty_number(row: dict[str, Any], treaty_number: int, *, strict: bool = False) -> None:
    value = row.get("NumSTE")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    elif strict and value is not None and not isinstance(value, int):
        raise SourceFormatError(f"the row of {row['CodePays']} has NumSTE {value!r}")
    if isinstance(value, int) and not isinstance(value, bool) and value != treaty_number:
        raise SourceFormatError(
            f"the chart is for treaty {value}, not treaty {treaty_number} as requested"
        )
