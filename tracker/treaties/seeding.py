"""Load the treaty watch-list from seeds/treaties.json: idempotent, never overwriting a poll."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from tracker.models import Item, ItemTreaty, Treaty
from tracker.treaties.changes import record_seeded_state
from tracker.treaties.queries import CHART_URL, DATE_NAMES

TREATIES_FILE = "treaties.json"


@dataclass
class TreatySeedReport:
    """What a treaty seed run did."""

    treaties_created: int = 0
    links_created: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return the report as lines for a person."""
        return [
            f"treaties created: {self.treaties_created}, item links created: {self.links_created}",
            *(f"NOT LINKED: {problem}" for problem in self.problems),
        ]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _new_treaty(entry: dict, position: int, now: datetime) -> Treaty:
    kind = entry.get("kind", "treaty")
    number = entry.get("number")
    dates = {name: _date(entry.get("dates", {}).get(name)) for name in DATE_NAMES}
    return Treaty(
        slug=entry["slug"],
        kind=kind,
        series=entry.get("series"),
        number=number,
        short_name=entry["short_name"],
        title=entry["title"],
        position=position,
        polled=kind == "treaty",
        state=entry["state"],
        state_origin="seed",
        state_source=entry["source"],
        state_changed_at=now,
        invited_on=_date(entry.get("invited_on")),
        invitation_lapses_on=_date(entry.get("invitation_lapses_on")),
        invitation_source=entry.get("invitation_source"),
        chart_url=entry.get("chart_url") or (CHART_URL.format(number) if number else None),
        **dates,
    )


def seed_treaties(session: Session, seeds_dir: Path, *, now: datetime) -> TreatySeedReport:
    """Create the treaties and item links the database lacks; do not commit."""
    report = TreatySeedReport()
    path = seeds_dir / TREATIES_FILE
    if not path.exists():
        return report
    entries = json.loads(path.read_text(encoding="utf-8"))["treaties"]
    items = {item.number: item for item in session.exec(select(Item))}
    for position, entry in enumerate(entries):
        treaty = session.exec(select(Treaty).where(Treaty.slug == entry["slug"])).first()
        if treaty is None:
            treaty = _new_treaty(entry, position, now)
            session.add(treaty)
            session.flush()
            record_seeded_state(session, treaty, source=entry["source"], now=now)
            report.treaties_created += 1
        linked = set(
            session.exec(select(ItemTreaty.item_id).where(ItemTreaty.treaty_id == treaty.id))
        )
        for number in entry.get("items", []):
            item = items.get(number)
            if item is None:
                report.problems.append(f"{entry['slug']}: there is no paragraph §{number}")
            elif item.id not in linked:
                session.add(ItemTreaty(item_id=item.id, treaty_id=treaty.id))
                report.links_created += 1
    session.flush()
    return report
