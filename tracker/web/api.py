"""The read-only JSON API, version 1."""

from flask import Blueprint, abort, jsonify

from tracker.db import get_session
from tracker.events import events_after
from tracker.items.queries import all_items, get_item
from tracker.items.status_changes import status_history
from tracker.models import Event, Item, StatusChange
from tracker.web.names import public_actor
from tracker.web.request_guards import MAX_ID, absolute_url, int_argument

bp = Blueprint("api", __name__, url_prefix="/api/v1")

EVENTS_MAX_LIMIT = 500


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def item_json(item: Item, parent_number: str | None) -> dict:
    """Return the public JSON form of an item."""
    return {
        "number": item.number,
        "parent": parent_number,
        "text": item.text,
        "status": item.status,
        "status_changed_at": _iso(item.status_changed_at),
        "addressee": item.addressee,
        "verb": item.verb,
        "difference_from_draft": item.difference,
        "draft_text": item.draft_text,
        "url": absolute_url("public.item_detail", number=item.number),
    }


def change_json(change: StatusChange) -> dict:
    """Return the public JSON form of a history row."""
    return {
        "id": change.id,
        "event_id": change.event_id,
        "from": change.from_status,
        "to": change.to_status,
        "changed_at": _iso(change.changed_at),
        "by": public_actor(change),
        "note": change.note,
        "evidence_url": change.evidence_url,
    }


def event_json(event: Event) -> dict:
    """Return the public JSON form of an event."""
    return {
        "id": event.id,
        "kind": event.kind,
        "occurred_at": _iso(event.occurred_at),
        "actor": public_actor(event),
        "summary": event.summary,
        "item": event.payload.get("item"),
        "data": event.payload,
    }


@bp.get("/items")
def items():
    every = all_items(get_session())
    numbers = {item.id: item.number for item in every}
    return jsonify({"items": [item_json(item, numbers.get(item.parent_id)) for item in every]})


@bp.get("/items/<number>")
def item(number: str):
    db = get_session()
    found = get_item(db, number)
    if found is None:
        abort(404)
    parent = db.get(Item, found.parent_id) if found.parent_id else None
    body = item_json(found, parent.number if parent else None)
    body["history"] = [change_json(c) for c in status_history(db, found.id)]
    return jsonify(body)


@bp.get("/events")
def events():
    after = int_argument("after", 0, minimum=0, maximum=MAX_ID)
    limit = int_argument("limit", 100, minimum=1, maximum=EVENTS_MAX_LIMIT)
    found = events_after(get_session(), after, limit=limit)
    body = {"events": [event_json(e) for e in found]}
    body["next_after"] = found[-1].id if found else after
    return jsonify(body)
