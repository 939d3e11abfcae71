"""The read-only JSON API, version 1: texts, paragraphs, their history, the event log, treaties.

Every list is read in keyset pages the same way: ``limit`` (1 to 500) and ``after`` (the key of
the last row you have); ``next`` in the answer (and a ``Link: rel="next"`` header) is the URL of
the following page, or null at the end. The OpenAPI document is ``tracker.web.openapi``.
"""

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for

from tracker import clock
from tracker.db import get_session
from tracker.events import events_after
from tracker.exports import queries
from tracker.exports.records import (
    Links,
    change_record,
    iso,
    item_record,
    treaty_change_record,
    treaty_record,
    who,
)
from tracker.feed import FEED_FILTER_ARGUMENTS, FeedFilterError, feed_after, feed_filter_from
from tracker.items.queries import get_item
from tracker.models import Document, Event, Item
from tracker.texts.queries import LEGACY_TEXT, get_text, list_texts
from tracker.treaties.queries import get_treaty
from tracker.users import display_names
from tracker.web.caching import allow_any_origin, public

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
#: Ids are 32-bit on PostgreSQL: a larger cursor is a bad request, not a database error.
MAX_ID = 2**31 - 1


class PagingError(ValueError):
    """The paging arguments are not usable."""


@bp.errorhandler(PagingError)
def _bad_paging(error: PagingError):
    return jsonify({"error": str(error)}), 400


@bp.after_request
def _cors(response):
    # Anyone's web page may read the API; nothing here changes state, so GET only.
    if request.method in {"GET", "HEAD"}:
        allow_any_origin(response)
    return response


def public_names() -> dict[int, str]:
    """Return every user's current public name by id, read once per request."""
    if "display_names" not in g:
        g.display_names = display_names(get_session())
    return g.display_names


def links() -> Links:
    """Return the absolute links of the configured base URL."""
    return Links(current_app.extensions["tracker_settings"].base_url)


def page_limit() -> int:
    """Return ``?limit=``: a whole number from 1 to MAX_LIMIT, DEFAULT_LIMIT if absent."""
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    # str.isdigit() accepts "²" and "٣", which int() refuses: only ASCII digits are numbers here.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise PagingError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def after_id() -> int | None:
    """Return ``?after=`` as a row id, or None when absent."""
    raw = request.args.get("after")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        raise PagingError("after must be a whole number ≥ 0 (the id of the last row you have)")
    return int(raw)


def paged(body: dict, *, more: bool, last_key, **values):
    """Return the JSON response of one page, with ``next`` and a Link header when more follow."""
    next_url = None
    if more:
        arguments = {**request.view_args, **values, "limit": page_limit(), "after": last_key}
        path = url_for(request.endpoint, **arguments)
        next_url = links().base_url + path.removeprefix(request.script_root)
    response = jsonify({**body, "next": next_url})
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


def text_record(document: Document) -> dict:
    """Return the public form of a tracked text."""
    base = links().base_url
    return {
        "slug": document.slug,
        "kind": document.kind,
        "reference": document.reference,
        "title": document.title,
        "adopted_on": document.dated.isoformat(),
        "source_url": document.source_url,
        "items_url": base + url_for("api.items", text=document.slug),
        "url": base + url_for("public.dashboard", slug=document.slug),
    }


def requested_text(default: str | None) -> Document | None:
    """Return the text named by ``?text=`` (else ``default``); 404 for an unknown slug."""
    slug = request.args.get("text") or default
    if slug is None:
        return None
    document = get_text(get_session(), slug)
    if document is None:
        abort(404)
    return document


def event_record(event: Event) -> dict:
    """Return the public form of an event."""
    return {
        "id": event.id,
        "kind": event.kind,
        "occurred_at": iso(event.occurred_at),
        "actor": who(event, public_names()),
        "summary": event.summary,
        "text_slug": event.payload.get("text"),
        "item": event.payload.get("item"),
        "treaty": event.payload.get("treaty"),
        "url": links().event(event.id),
        "data": event.payload,
    }


@bp.get("/texts")
@public(cors=True)
def texts():
    return jsonify({"texts": [text_record(document) for document in list_texts(get_session())]})


def _item_after(session) -> Item | None:
    """Return the paragraph named by ``?after=<text slug>/<number>``, or None when absent."""
    after = request.args.get("after")
    if after is None:
        return None
    slug, _, number = after.rpartition("/")
    text = get_text(session, slug)
    start = get_item(session, number, document_id=text.id) if text else None
    if start is None:
        raise PagingError("after must be the text slug and number of the last paragraph you "
                          "have, as res-2616/9.2")
    return start


@bp.get("/items")
@public(cors=True)
def items():
    session = get_session()
    text = requested_text(default=None)
    found, more = queries.items_page(
        session,
        after=_item_after(session),
        document_id=text.id if text else None,
        limit=page_limit(),
    )
    keys = queries.item_keys(session)
    body = [
        item_record(item, keys[item.parent_id][1] if item.parent_id else None,
                    keys[item.id][0], links())
        for item in found
    ]
    last_key = "/".join(keys[found[-1].id]) if found else None
    return paged({"items": body}, more=more, last_key=last_key)


@bp.get("/items/<number>")
@public(cors=True)
def item(number: str):
    session = get_session()
    text = requested_text(default=LEGACY_TEXT)
    found = get_item(session, number, document_id=text.id)
    if found is None:
        abort(404)
    parent = session.get(Item, found.parent_id) if found.parent_id else None
    history, more = queries.history_page(
        session, found.id, after=after_id(), limit=page_limit()
    )
    body = item_record(found, parent.number if parent else None, text.slug, links())
    key = (text.slug, found.number)
    body["history"] = [change_record(change, key, links(), public_names()) for change in history]
    return paged(body, more=more, last_key=history[-1].id if history else None)


@bp.get("/events")
@public(cors=True)
def events():
    after = after_id() or 0
    limit = page_limit()
    if any(request.args.get(name) for name in FEED_FILTER_ARGUMENTS):
        # With a filter, the feed's rules: real changes only, as on /changes.
        try:
            default_text = current_app.extensions["tracker_settings"].default_text
            wanted = feed_filter_from(request.args, default_text=default_text)
            found = feed_after(get_session(), wanted, after, limit=limit + 1)
        except FeedFilterError as problem:
            raise PagingError(str(problem)) from None
    else:
        found = events_after(get_session(), after, limit=limit + 1)
    more, found = len(found) > limit, found[:limit]
    next_after = found[-1].id if found else after
    body = {"events": [event_record(e) for e in found], "next_after": next_after}
    return paged(body, more=more, last_key=next_after)


@bp.get("/treaties")
@public(cors=True)
def treaties():
    session = get_session()
    after = request.args.get("after")
    start = get_treaty(session, after) if after is not None else None
    if after is not None and start is None:
        raise PagingError("after must be the slug of a treaty (the last one you have)")
    found, more = queries.treaties_page(session, after=start, limit=page_limit())
    numbers, today = queries.treaty_item_keys(session), clock.now().date()
    body = [treaty_record(t, numbers.get(t.id, []), links(), today=today) for t in found]
    return paged({"treaties": body}, more=more, last_key=found[-1].slug if found else None)


@bp.get("/treaties/<slug>")
@public(cors=True)
def treaty(slug: str):
    session = get_session()
    found = get_treaty(session, slug)
    if found is None:
        abort(404)
    history, more = queries.treaty_history_page(
        session, found.id, after=after_id(), limit=page_limit()
    )
    numbers = queries.treaty_item_keys(session).get(found.id, [])
    body = treaty_record(found, numbers, links(), today=clock.now().date())
    body["history"] = [treaty_change_record(change, links()) for change in history]
    return paged(body, more=more, last_key=history[-1].id if history else None)
