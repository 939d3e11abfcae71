"""The response schemas of /api/v1, in OpenAPI 3.1 (JSON Schema 2020-12) form."""

from typing import Any

from tracker.items.statuses import Status
from tracker.treaties.queries import DATE_NAMES
from tracker.treaties.states import STATE_LABELS

STRING, TEXT_OR_NULL = {"type": "string"}, {"type": ["string", "null"]}
URL = {"type": "string", "format": "uri"}
URL_OR_NULL = {"type": ["string", "null"], "format": "uri"}
TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
NEXT = {**URL_OR_NULL, "description": "The URL of the next page, or null on the last page."}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    return {"description": description, **schema} if description else schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


STATUS = {"type": "string", "enum": [s.value for s in Status]}
STATE = {"type": "string", "enum": list(STATE_LABELS)}
DATES = _object({name: DATE_OR_NULL for name in DATE_NAMES})
TEXT_SLUG = {**STRING, "description": "The slug of the paragraph's text, e.g. res-2616."}
ITEM = {
    "text_slug": TEXT_SLUG,
    "number": {**STRING, "description": "The paragraph's number, e.g. 9.2.1."},
    "parent": TEXT_OR_NULL,
    "text": {**STRING, "description": "The adopted text of the paragraph."},
    "status": STATUS,
    "status_changed_at": TIME_OR_NULL,
    "addressee": TEXT_OR_NULL,
    "verb": TEXT_OR_NULL,
    "role": {**STRING, "description": "operative, or a role such as context (see the page)."},
    "difference_from_draft": {"enum": ["unchanged", "editorial", "amended", "new"]},
    "draft_text": TEXT_OR_NULL,
    "url": URL,
}
TREATY = {
    "slug": STRING,
    "reference": {**STRING, "description": "CETS 210, or the body's short name."},
    "short_name": STRING,
    "title": STRING,
    "kind": {"type": "string", "enum": ["treaty", "partial_agreement"]},
    "state": {**STATE, "description": "Kazakhstan's state as last recorded."},
    "shown_state": {**STATE, "description": "The state shown: invited while an invitation runs."},
    "state_changed_at": TIME_OR_NULL,
    "dates": DATES,
    "invitation": _object(
        {
            "invited_on": DATE_OR_NULL,
            "lapses_on": DATE_OR_NULL,
            "lapsed": {"type": "boolean"},
            "source": TEXT_OR_NULL,
        }
    ),
    "chart_url": URL_OR_NULL,
    "last_checked_at": TIME_OR_NULL,
    "items": {
        "type": "array",
        "items": _object({"text_slug": TEXT_SLUG, "number": STRING, "url": URL}),
    },
    "url": URL,
}
SCHEMAS = {
    "Item": _object(ITEM, "A numbered paragraph of the resolution and its status."),
    "StatusChange": _object(
        {
            "id": {"type": "integer"},
            "event_id": {"type": "integer"},
            "text_slug": TEXT_SLUG,
            "item": STRING,
            "from": STATUS,
            "to": STATUS,
            "changed_at": {"type": "string", "format": "date-time"},
            "by": {**STRING, "description": "The public name of who changed it, never an address."},
            "note": STRING,
            "evidence_url": URL_OR_NULL,
            "happened_on": {**DATE_OR_NULL, "description": "When it happened, if not the day."},
            "url": URL,
        },
        "One change of a paragraph's status, with the monitor's note and evidence.",
    ),
    "Event": _object(
        {
            "id": {"type": "integer"},
            "kind": STRING,
            "occurred_at": {"type": "string", "format": "date-time"},
            "actor": STRING,
            "summary": STRING,
            "text_slug": {**TEXT_OR_NULL, "description": "The slug of the paragraph's text."},
            "item": TEXT_OR_NULL,
            "treaty": TEXT_OR_NULL,
            "url": URL,
            "data": {"type": "object", "description": "What the event is about, by kind."},
        },
        "One entry of the change log.",
    ),
    "Treaty": _object(TREATY, "A watched instrument and Kazakhstan's state on it."),
    "TreatyStateChange": _object(
        {
            "id": {"type": "integer"},
            "event_id": {"type": ["integer", "null"]},
            "from": {"anyOf": [STATE, {"type": "null"}]},
            "to": STATE,
            "from_dates": DATES,
            "to_dates": DATES,
            "changed_at": {"type": "string", "format": "date-time"},
            "origin": {"type": "string", "enum": ["seed", "poll"]},
            "backwards": {"type": "boolean"},
            "source": STRING,
            "evidence_url": {
                **URL_OR_NULL,
                "description": "The raw response the change was read from, kept as evidence.",
            },
        },
        "One change of Kazakhstan's state on a treaty.",
    ),
    "Text": _object(
        {
            "slug": STRING,
            "kind": STRING,
            "reference": STRING,
            "title": STRING,
            "adopted_on": {"type": "string", "format": "date"},
            "source_url": URL_OR_NULL,
            "items_url": URL,
            "url": URL,
        },
        "A tracked text (a resolution) whose paragraphs are items.",
    ),
    "TextList": _object({"texts": _list_of("Text")}),
    "ItemPage": _object({"items": _list_of("Item"), "next": NEXT}),
    "ItemDetail": _object(
        {**ITEM, "history": _list_of("StatusChange"), "next": NEXT},
        "A paragraph with one page of its status history, newest first.",
    ),
    "EventPage": _object(
        {
            "events": _list_of("Event"),
            "next_after": {"type": "integer", "description": "The id to ask after next."},
            "next": NEXT,
        }
    ),
    "TreatyPage": _object({"treaties": _list_of("Treaty"), "next": NEXT}),
    "TreatyDetail": _object(
        {**TREATY, "history": _list_of("TreatyStateChange"), "next": NEXT},
        "A treaty with one page of its state history, newest first.",
    ),
    "Error": _object({"error": STRING}),
}
