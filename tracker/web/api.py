"""The read-only JSON API, version 1."""

from flask import Blueprint, abort, jsonify, request

from tracker.db import get_session
from tracker.events import events_after
from tracker.feed import FEED_FILTER_ARGUMENTS, FeedFilterError, feed_after, feed_filter_from
from tracker.items.queries import all_items, get_item
from tracker.items.status_changes import status_history
from tracker.models import Document, Event, Item, StatusChange
from tracker.texts.queries import LEGACY_TEXT, get_text, list_texts, text_slugs
from tracker.web.names import public_actor
from tracker.web.request_guards import MAX_ID, absolute_url, int_argument

bp = Blueprint("api", __name__, url_prefix="/api/v1")

EVENTS_MAX_LIMIT = 500


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def item_json(item: Item, parent_number: str | None, text_slug: str = LEGACY_TEXT) -> dict:
    """Return the public JSON form of an item; ``text_slug`` names its text ("res-2616")."""
    return {
        "text_slug": text_slug,
        "number": item.number,
        "parent": parent_number,
        "text": item.text,
        "status": item.status,
        "status_changed_at": _iso(item.status_changed_at),
        "addressee": item.addressee,
        "verb": item.verb,
        "role": item.role,
        "difference_from_draft": item.difference,
        "draft_text": item.draft_text,
        "url": absolute_url("public.item_detail", slug=text_slug, number=item.number),
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
        "happened_on": _iso(change.happened_on),
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


def text_json(document: Document) -> dict:
    """Return the public JSON form of a tracked text."""
    return {
        "slug": document.slug,
        "kind": document.kind,
        "reference": document.reference,
        "title": document.title,
        "adopted_on": document.dated.isoformat(),
        "source_url": document.source_url,
        "items_url": absolute_url("api.items", text=document.slug),
        "url": absolute_url("public.dashboard", slug=document.slug),
    }


@bp.get("/texts")
def texts():
    return jsonify({"texts": [text_json(document) for document in list_texts(get_session())]})


@bp.get("/items")
def items():
    db = get_session()
    slug = request.args.get("text")
    document = get_text(db, slug) if slug else None
    if slug and document is None:
        return jsonify({"error": f"no text has the slug {slug!r}; see /api/v1/texts"}), 404
    every = all_items(db, document_id=document.id if document else None)
    numbers = {item.id: item.number for item in every}
    slugs = text_slugs(db)
    return jsonify(
        {
            "items": [
                item_json(item, numbers.get(item.parent_id), slugs[item.document_id])
                for item in every
            ]
        }
    )


@bp.get("/items/<number>")
def item(number: str):
    db = get_session()
    slug = request.args.get("text") or LEGACY_TEXT
    document = get_text(db, slug)
    found = get_item(db, number, document_id=document.id) if document else None
    if found is None:
        abort(404)
    parent = db.get(Item, found.parent_id) if found.parent_id else None
    body = item_json(found, parent.number if parent else None, slug)
    body["history"] = [change_json(c) for c in status_history(db, found.id)]
    return jsonify(body)


@bp.get("/events")
def events():
    after = int_argument("after", 0, minimum=0, maximum=MAX_ID)
    limit = int_argument("limit", 100, minimum=1, maximum=EVENTS_MAX_LIMIT)
    if any(request.args.get(name) for name in FEED_FILTER_ARGUMENTS):
        # With a filter, the feed's rules: real changes only, as on /changes.
        try:
            wanted = feed_filter_from(request.args)
            found = feed_after(get_session(), wanted, after, limit=limit)
        except FeedFilterError as problem:
            return jsonify({"error": str(problem)}), 400
    else:
        found = events_after(get_session(), after, limit=limit)
    body = {"events": [event_json(e) for e in found]}
    body["next_after"] = found[-1].id if found else after
    return jsonify(body)
