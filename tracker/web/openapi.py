"""The OpenAPI 3.1 document of /api/v1, served as JSON and as a readable page at /api/."""

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from tracker.items.statuses import Status
from tracker.treaties.queries import DATE_NAMES
from tracker.treaties.states import STATE_LABELS
from tracker.web.api import DEFAULT_LIMIT, MAX_LIMIT
from tracker.web.caching import public

bp = Blueprint("api_docs", __name__)

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

LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "description": f"Rows per page (default {DEFAULT_LIMIT}).",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
}


def _after(what: str, kind: str = "string") -> dict[str, Any]:
    return {
        "name": "after",
        "in": "query",
        "required": False,
        "description": f"The {what} of the last row you have; follow `next` rather than build it.",
        "schema": {"type": kind},
    }


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string"}}


def _get(
    summary: str, schema: str, parameters: list, *, missing: bool = False, paged: bool = True
) -> dict:
    responses: dict[str, Any] = {
        "200": {
            "description": "OK. Cacheable: revalidate with the ETag (If-None-Match gives 304).",
            "content": {"application/json": {"schema": _ref(schema)}},
        },
    }
    if paged:
        responses["400"] = {
            "description": "Bad paging arguments.",
            "content": {"application/json": {"schema": _ref("Error")}},
        }
    if missing:
        responses["404"] = {
            "description": "No such row.",
            "content": {"application/json": {"schema": _ref("Error")}},
        }
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def _text(default: str) -> dict[str, Any]:
    return {
        "name": "text",
        "in": "query",
        "required": False,
        "description": f"The slug of a text (see /texts); {default}.",
        "schema": {"type": "string"},
    }


PATHS = {
    "/texts": _get("The tracked texts (a short list, not paged).", "TextList", [], paged=False),
    "/items": _get(
        "Every paragraph in text order, with its status.",
        "ItemPage",
        [_text("every text if absent; 404 if unknown"), LIMIT,
         _after("text slug and number (as res-2616/9.2)")],
        missing=True,
    ),
    "/items/{number}": _get(
        "One paragraph and its status history, newest first, paged.",
        "ItemDetail",
        [_path("number", "The paragraph's number, e.g. 9.2.1."),
         _text("res-2616 if absent"), LIMIT, _after("history id", "integer")],
        missing=True,
    ),
    "/events": _get(
        "The change log, oldest first after an event id.",
        "EventPage",
        [LIMIT, _after("event id", "integer")],
    ),
    "/treaties": _get(
        "Every watched instrument: Kazakhstan's state, dates, invitation and its lapse.",
        "TreatyPage",
        [LIMIT, _after("slug")],
    ),
    "/treaties/{slug}": _get(
        "One instrument and its history of state changes with evidence links, newest first.",
        "TreatyDetail",
        [_path("slug", "The treaty's slug, e.g. cets-210."), LIMIT,
         _after("history id", "integer")],
        missing=True,
    ),
    "/openapi.json": {
        "get": {
            "summary": "This document.",
            "responses": {"200": {"description": "The OpenAPI 3.1 document of this API."}},
        }
    },
}


def openapi_document(base_url: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the API served at ``base_url``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Resolution 2616 follow-up tracker API",
            "version": "1",
            "description": (
                "Read-only JSON about PACE Resolution 2616 (2025) on Kazakhstan: paragraphs "
                "and their status history, the change log, watched treaties. Lists are paged "
                "with `limit` and `after`; follow `next` (also a `Link: rel=\"next\"` header). "
                "Any origin may read it (CORS, GET only). Responses carry an ETag."
            ),
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }


def describe(schema: dict[str, Any]) -> str:
    """Return a schema's type in words: "Item", "array of Event", "string or null (date)"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(describe(option) for option in schema["anyOf"])
    kinds = schema.get("type", "any")
    words = " or ".join(kinds) if isinstance(kinds, list) else kinds
    if words == "array":
        return f"array of {describe(schema['items'])}"
    if "enum" in schema:
        words += ": " + ", ".join(map(str, schema["enum"]))
    if "format" in schema:
        words += f" ({schema['format']})"
    return words


def _document() -> dict[str, Any]:
    return openapi_document(current_app.extensions["tracker_settings"].base_url)


@bp.get("/api/v1/openapi.json")
@public(cors=True)
def openapi_json():
    return jsonify(_document())


@bp.get("/api/")
@public()
def api_page():
    return render_template("api/index.html", spec=_document(), describe=describe)
