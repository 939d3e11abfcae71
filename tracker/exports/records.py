"""The public form of each row, shared by the API, the exports and the feeds.

Links are absolute and built from ``TRACKER_BASE_URL``, so they are the same from a request, a
CLI export or a job. "Who" is a public name, never an address.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from tracker.models import Item, StatusChange, Treaty, TreatyStateChange
from tracker.treaties.queries import (
    DATE_NAMES,
    display_state,
    invitation_lapsed,
    treaty_dates,
    treaty_reference,
)
from tracker.users import actor_name


def iso(value: date | datetime | None) -> str | None:
    """Return a date or an aware datetime in ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def who(row: Any, names: dict[int, str]) -> str:
    """Return the public name of whoever made a change (a user's current name), never an address."""
    name = actor_name(row, names)
    # A label that slipped through as an address is never published.
    return "a monitor" if "@" in name else name


@dataclass(frozen=True)
class Links:
    """Absolute links to the public pages, from the configured base URL."""

    base_url: str

    def item(self, text_slug: str, number: str) -> str:
        """Return the page of a paragraph of a text."""
        return f"{self.base_url}/texts/{quote(text_slug)}/{quote(number)}"

    def treaty(self, slug: str) -> str:
        """Return the page of a treaty."""
        return f"{self.base_url}/treaties/{quote(slug)}"

    def evidence(self, response_id: int | None) -> str | None:
        """Return the page of a kept raw response, or None."""
        return f"{self.base_url}/evidence/{response_id}" if response_id else None

    def event(self, event_id: int) -> str:
        """Return the stable address of an event (its anchor in the change feed)."""
        return f"{self.base_url}/changes#event-{event_id}"


def item_record(item: Item, parent: str | None, text_slug: str, links: Links) -> dict[str, Any]:
    """Return the public form of a paragraph; ``text_slug`` names its text ("res-2616")."""
    return {
        "text_slug": text_slug,
        "number": item.number,
        "parent": parent,
        "text": item.text,
        "status": item.status,
        "status_changed_at": iso(item.status_changed_at),
        "addressee": item.addressee,
        "verb": item.verb,
        "role": item.role,
        "difference_from_draft": item.difference,
        "draft_text": item.draft_text,
        "url": links.item(text_slug, item.number),
    }


def change_record(
    change: StatusChange, key: tuple[str, str], links: Links, names: dict[int, str]
) -> dict[str, Any]:
    """Return the public form of one status change of the paragraph ``key`` (text, number)."""
    return {
        "id": change.id,
        "event_id": change.event_id,
        "text_slug": key[0],
        "item": key[1],
        "from": change.from_status,
        "to": change.to_status,
        "changed_at": iso(change.changed_at),
        "by": who(change, names),
        "note": change.note,
        "evidence_url": change.evidence_url,
        "happened_on": iso(change.happened_on),
        "url": links.event(change.event_id),
    }


def treaty_record(
    treaty: Treaty, item_keys: list[tuple[str, str]], links: Links, *, today: date
) -> dict[str, Any]:
    """Return the public form of a watched instrument with Kazakhstan's state."""
    return {
        "slug": treaty.slug,
        "reference": treaty_reference(treaty),
        "short_name": treaty.short_name,
        "title": treaty.title,
        "kind": treaty.kind,
        "state": treaty.state,
        "shown_state": display_state(treaty, today),
        "state_changed_at": iso(treaty.state_changed_at),
        "dates": {name: iso(value) for name, value in treaty_dates(treaty).items()},
        "invitation": {
            "invited_on": iso(treaty.invited_on),
            "lapses_on": iso(treaty.invitation_lapses_on),
            "lapsed": invitation_lapsed(treaty, today),
            "source": treaty.invitation_source,
        },
        "chart_url": treaty.chart_url,
        "last_checked_at": iso(treaty.last_checked_at),
        "items": [
            {"text_slug": slug, "number": number, "url": links.item(slug, number)}
            for slug, number in item_keys
        ],
        "url": links.treaty(treaty.slug),
    }


def treaty_change_record(change: TreatyStateChange, links: Links) -> dict[str, Any]:
    """Return the public form of one change of a treaty's state, with its evidence."""
    return {
        "id": change.id,
        "event_id": change.event_id,
        "from": change.from_state,
        "to": change.to_state,
        "from_dates": {name: change.from_dates.get(name) for name in DATE_NAMES},
        "to_dates": {name: change.to_dates.get(name) for name in DATE_NAMES},
        "changed_at": iso(change.changed_at),
        "origin": change.origin,
        "backwards": change.backwards,
        "source": change.source,
        "evidence_url": links.evidence(change.raw_response_id),
    }
