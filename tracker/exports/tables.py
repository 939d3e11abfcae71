"""The export tables (paragraphs, status history, treaties) and their CSV form (RFC 4180)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from tracker.exports import queries
from tracker.exports.records import Links, iso, who
from tracker.items.queries import all_items
from tracker.treaties.queries import DATE_NAMES, all_treaties, display_state, treaty_reference
from tracker.users import display_names

CSV_MEDIA_TYPE = "text/csv; charset=utf-8; header=present"


@dataclass(frozen=True)
class Table:
    """A named table: column names and rows of text (or None for an empty cell)."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def items_table(session: Session, links: Links, *, today: date) -> Table:
    """Return one row per paragraph, in text order."""
    every = all_items(session)
    numbers = {item.id: item.number for item in every}
    keys = queries.item_keys(session)
    rows = [
        (
            keys[item.id][0],
            item.number,
            numbers.get(item.parent_id),
            item.addressee,
            item.status,
            iso(item.status_changed_at),
            item.text,
            links.item(*keys[item.id]),
        )
        for item in every
    ]
    columns = ("text_slug", "number", "parent", "addressee", "status", "since", "text", "url")
    return Table("items", columns, rows)


def history_table(session: Session, links: Links, *, today: date) -> Table:
    """Return one row per status change, oldest first; who is a public name, never an address."""
    keys, names = queries.item_keys(session), display_names(session)
    rows = [
        (
            change.id,
            *keys[change.item_id],
            change.from_status,
            change.to_status,
            iso(change.changed_at),
            change.note,
            change.evidence_url,
            who(change, names),
            links.item(*keys[change.item_id]),
        )
        for change in queries.all_history(session)
    ]
    columns = (
        "id", "text_slug", "item", "from", "to", "changed_at", "note", "evidence_url", "by",
        "item_url",
    )  # fmt: skip
    return Table("history", columns, rows)


def treaties_table(session: Session, links: Links, *, today: date) -> Table:
    """Return one row per watched instrument with Kazakhstan's state, dates and invitation."""
    keys = queries.treaty_item_keys(session)
    rows = [
        (
            treaty.slug,
            treaty_reference(treaty),
            treaty.short_name,
            treaty.title,
            treaty.kind,
            treaty.state,
            display_state(treaty, today),
            *(iso(getattr(treaty, name)) for name in DATE_NAMES),
            iso(treaty.invited_on),
            iso(treaty.invitation_lapses_on),
            " ".join(f"{slug}/{number}" for slug, number in keys.get(treaty.id, [])),
            links.treaty(treaty.slug),
            treaty.chart_url,
        )
        for treaty in all_treaties(session)
    ]
    columns = (
        "slug",
        "reference",
        "short_name",
        "title",
        "kind",
        "state",
        "shown_state",
        *DATE_NAMES,
        "invited_on",
        "invitation_lapses_on",
        "items",
        "url",
        "chart_url",
    )
    return Table("treaties", columns, rows)


TABLES: dict[str, Callable[..., Table]] = {
    "items": items_table,
    "history": history_table,
    "treaties": treaties_table,
}


def csv_text(table: Table) -> str:
    """Return the table as CSV: a header row, CRLF line ends, fields quoted as RFC 4180 says."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(["" if value is None else value for value in row] for row in table.rows)
    return out.getvalue()


def json_rows(table: Table) -> list[dict[str, Any]]:
    """Return the table's rows as objects keyed by column name."""
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]
