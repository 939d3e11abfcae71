"""The OpenAPI 3.1 document of /api/v1, served as JSON and as a readable page at /api/."""

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from tracker.web.api import DEFAULT_LIMIT, MAX_LIMIT
from tracker.web.caching import public
from tracker.web.openapi_schemas import (
    SCHEMAS,
    _ref,
)

bp = Blueprint("api_docs", __name__)

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


def _filter(name: str, description: str, fmt: str | None = None) -> dict[str, Any]:
    schema = {"type": "string", **({"format": fmt} if fmt else {})}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


FEED_FILTERS = [
    _filter("kind", "status, treaty, deadline, document or paragraph."),
    _filter("text", "A text's slug: changes about its paragraphs and the treaties they concern."),
    _filter("item", "A paragraph: its number in `text` (default text if absent) or slug:number."),
    _filter("treaty", "A treaty's slug: its changes and those of its paragraphs."),
    _filter("tag", "A theme's slug: changes about the paragraphs tagged with it."),
    _filter("since", "First day, YYYY-MM-DD (UTC).", "date"),
    _filter("until", "Last day, YYYY-MM-DD (UTC).", "date"),
]

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
        "The change log, oldest first after an event id. With any filter, real changes only "
        "(as on /changes: no same-state confirmations, no source health).",
        "EventPage",
        [LIMIT, _after("event id", "integer"), *FEED_FILTERS],
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
