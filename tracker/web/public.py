"""Public pages: the dashboard, one item with its history, the change feed."""

from functools import lru_cache

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from tracker.db import get_session
from tracker.documents.decisions import item_documents
from tracker.events import events_page, item_events, latest_events
from tracker.items.queries import (
    ItemFilter,
    all_items,
    child_items,
    dashboard_rows,
    get_item,
    parent_item,
    summarise,
)
from tracker.items.status_changes import status_history, status_history_length
from tracker.items.statuses import STATUS_INFO, Status
from tracker.models import Event
from tracker.sources.health import all_source_statuses
from tracker.texts.comparison import word_diff
from tracker.texts.queries import LEGACY_TEXT, get_text, list_texts

bp = Blueprint("public", __name__)

HISTORY_PER_PAGE = 50
# The diff depends only on the two texts, which rarely change: compute it once per pair. The
# template only reads the list, so one shared list per pair is safe.
cached_word_diff = lru_cache(maxsize=512)(word_diff)


def page_argument() -> int:
    """Return the ?page= argument as a number of at least 1."""
    page = request.args.get("page", 1, type=int)
    return page if page and page > 0 else 1


@bp.url_defaults
def _current_text(endpoint: str, values: dict) -> None:
    """Fill in the slug of the text being shown, so that templates link within it."""
    if "slug" in values:
        return
    if endpoint == "public.dashboard":
        values["slug"] = g.get("dashboard_slug")
    elif endpoint == "public.item_detail":
        values["slug"] = g.get("text_slug") or LEGACY_TEXT


@bp.get("/", defaults={"slug": None})
@bp.get("/texts/<slug>")
def dashboard(slug: str | None):
    session = get_session()
    texts = list_texts(session)
    by_slug = {other.slug: other for other in texts}  # one query serves the lookup and the list
    if slug is None:
        wanted_slug = current_app.extensions["tracker_settings"].default_text
        text = by_slug.get(wanted_slug) or (texts[0] if texts else None)
    else:
        text = by_slug.get(slug)
        if text is None:
            abort(404)
    g.dashboard_slug, g.text_slug = slug, text.slug if text else None
    document_id = text.id if text else -1
    # Every item of the text is read once; counts and addressees come from the same rows.
    items = all_items(session, document_id=document_id)
    counts, known_addressees = summarise(items)
    status = request.args.get("status") or None
    addressee = request.args.get("addressee") or None
    notices = []
    if status is not None and status not in {s.value for s in Status}:
        notices.append(f"There is no status called “{status}”; the status filter was ignored.")
        status = None
    if addressee is not None and addressee not in known_addressees:
        notices.append(f"No paragraph is addressed to “{addressee}”; that filter was ignored.")
        addressee = None
    wanted = ItemFilter(
        status=status, addressee=addressee, query=(request.args.get("q") or "").strip() or None
    )
    rows = dashboard_rows(session, wanted, document_id=document_id, items=items)
    recent = latest_events(session, limit=5)
    return render_template(
        "public/dashboard.html",
        text=text,
        other_texts=[other for other in texts if text is None or other.id != text.id],
        rows=rows,
        wanted=wanted,
        counts=counts,
        addressees=known_addressees,
        statuses=STATUS_INFO,
        recent=recent,
        sources=all_source_statuses(session),
        notices=notices,
        matches=sum(1 for row in rows if not row.context),
        # Built once: one url_for per row cost more than the rest of the row.
        item_href=url_for("public.item_detail", number="0").removesuffix("0"),
    )


@bp.get("/items/<number>")
def legacy_item(number: str):
    """Send a link made before texts had slugs to Resolution 2616's paragraph, permanently."""
    return redirect(url_for("public.item_detail", slug=LEGACY_TEXT, number=number), 301)


@bp.get("/texts/<slug>/<number>")
def item_detail(slug: str, number: str):
    session = get_session()
    text = get_text(session, slug)
    item = get_item(session, number, document_id=text.id) if text else None
    if item is None:
        abort(404)
    g.text_slug = slug
    page = page_argument()
    history = status_history(
        session, item.id, offset=(page - 1) * HISTORY_PER_PAGE, limit=HISTORY_PER_PAGE
    )
    return render_template(
        "public/item.html",
        text=text,
        item=item,
        parent=parent_item(session, item),
        children=child_items(session, item),
        history=history,
        history_total=status_history_length(session, item.id),
        page=page,
        per_page=HISTORY_PER_PAGE,
        other_events=item_events(session, item.id, excluding_kind="item_status_changed"),
        diff=cached_word_diff(item.draft_text, item.text) if item.draft_text else None,
        statuses=STATUS_INFO,
        documents=item_documents(session, item.id),
    )


@bp.get("/changes")
def changes():
    page = page_argument()
    per_page = current_app.extensions["tracker_settings"].page_size
    events, total = events_page(get_session(), page=page, per_page=per_page)
    if page > 1 and not events:
        abort(404)
    return render_template(
        "public/changes.html", events=events, total=total, page=page, per_page=per_page
    )


@bp.get("/changes.atom")
def changes_atom():
    events = latest_events(get_session(), limit=50)
    body = render_template("public/changes.atom.xml", events=events, updated=_updated(events))
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


def _updated(events: list[Event]):
    return events[0].occurred_at if events else None


@bp.get("/statuses")
def status_vocabulary():
    return render_template("public/statuses.html", statuses=STATUS_INFO)
