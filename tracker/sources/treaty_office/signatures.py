"""Parse the chart of signatures and ratifications returned by ``api/signatures``."""

import json
import re
from dataclasses import dataclass
from datetime import date
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


def parse_chart(body: bytes | str) -> list[dict[str, Any]]:
    """Return the chart's rows from every bucket, checking the shape strictly."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidJsonError(f"the chart is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise SourceFormatError(f"the chart is a JSON {type(data).__name__}, not a list of buckets")
    if not data:
        raise SourceFormatError("the chart has no buckets")
    rows: list[dict[str, Any]] = []
    for bucket_index, bucket in enumerate(data):
        if not isinstance(bucket, list):
            raise SourceFormatError(
                f"bucket {bucket_index} of the chart is a {type(bucket).__name__}, not a list"
            )
        for row_index, row in enumerate(bucket):
            _check_row(row, f"row {row_index} of bucket {bucket_index}")
            rows.append(row)
    if not rows:
        raise SourceFormatError("every bucket of the chart is empty")
    return rows


def find_country_record(
    rows: list[dict[str, Any]], *, treaty_number: int, country_code: str
) -> CountryRecord:
    """Return the country's record, found by ``CodePays``; no row gives a record with no dates."""
    wanted = country_code.strip().upper()
    matches = [row for row in rows if row["CodePays"].strip().upper() == wanted]
    if len(matches) > 1:
        raise SourceFormatError(f"the chart has {len(matches)} rows for {wanted}")
    for row in rows:
        _check_treaty_number(row, treaty_number)
    if not matches:
        return CountryRecord(treaty_number=treaty_number, country_code=wanted, country_name=None)
    row = matches[0]
    name = row.get("LibPaysOrga")
    dates = {attribute: _parse_date(row[field]) for field, attribute in DATE_FIELDS.items()}
    return CountryRecord(
        treaty_number=treaty_number,
        country_code=wanted,
        country_name=name if isinstance(name, str) and name else None,
        **dates,
    )


def parse_signatures(body: bytes | str, *, treaty_number: int, country_code: str) -> CountryRecord:
    """Parse an ``api/signatures`` body and return the country's record."""
    rows = parse_chart(body)
    return find_country_record(rows, treaty_number=treaty_number, country_code=country_code)


def _check_row(row: object, where: str) -> None:
    if not isinstance(row, dict):
        raise SourceFormatError(f"{where} of the chart is a {type(row).__name__}, not an object")
    code = row.get("CodePays")
    if not isinstance(code, str) or not code.strip():
        raise SourceFormatError(f"{where} of the chart has no CodePays")
    for field in DATE_FIELDS:
        if field not in row:
            raise SourceFormatError(f"{where} of the chart ({code}) has no {field} field")
        try:
            _parse_date(row[field])
        except SourceFormatError as exc:
            raise SourceFormatError(f"{where} of the chart ({code}): {field} {exc}") from None


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


def _check_treaty_number(row: dict[str, Any], treaty_number: int) -> None:
    value = row.get("NumSTE")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value != treaty_number:
        raise SourceFormatError(
            f"the chart is for treaty {value}, not treaty {treaty_number} as requested"
        )
