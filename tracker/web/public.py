"""Public pages: the dashboard, one item with its history, the change feed."""

from functools import lru_cache
from itertools import groupby
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from tracker import clock
from tracker.db import get_session
from tracker.documents.decisions import item_documents
from tracker.events import item_events
from tracker.feed import (
    KIND_LABELS,
    FeedFilter,
    FeedFilterError,
    feed_filter_from,
    feed_page,
    latest_changes,
)
from tracker.i18n.web import current_language
from tracker.items.queries import (
    ItemFilter,
    addressees,
    all_items,
    child_items,
    context_count,
    dashboard_rows,
    get_text_item,
    parent_item,
    status_counts,
)
from tracker.items.report import report_rows
from tracker.items.rollups import rollup, rollups_by_parent
from tracker.items.status_changes import status_history, status_history_length
from tracker.items.statuses import STATUS_INFO, Status
from tracker.items.tags import all_tags, tags_by_item
from tracker.items.timeline import timeline_for, timeline_key
from tracker.sources.health import SOURCE_LABELS, all_source_statuses
from tracker.texts.comparison import word_diff
from tracker.texts.queries import LEGACY_TEXT, get_text, list_texts, text_slugs
from tracker.treaties.queries import all_treaties, item_treaties, treaty_label
from tracker.web.caching import public
from tracker.web.change_lines import change_parts
from tracker.web.charts import HEIGHT, WIDTH, stacked_bars
from tracker.web.feeds import FEED_LENGTH, atom_response, links
from tracker.web.fragments import parts
from tracker.web.request_guards import MAX_PAGE, int_argument
from tracker.web.text_links import cross_referenced, lineage_context

bp = Blueprint("public", __name__)
bp.add_app_template_filter(cross_referenced, "cross_referenced")

HISTORY_PER_PAGE = 50
SEARCH_MAX_LENGTH = 200
# The diff depends only on the two texts, which rarely change: compute it once per pair. The
# template only reads the list, so one shared list per pair is safe.
cached_word_diff = lru_cache(maxsize=512)(word_diff)


bp.add_app_template_global(change_parts)


@bp.url_defaults
def _current_text(endpoint: str, values: dict) -> None:
    """Fill in the slug of the text being shown, so that templates link within it."""
    if "slug" in values:
        return
    if endpoint == "public.dashboard":
        values["slug"] = g.get("dashboard_slug")
    elif endpoint == "public.item_detail":
        values["slug"] = g.get("text_slug") or LEGACY_TEXT


def page_argument() -> int:
    """Return the ?page= argument as a number of at least 1, or answer 400."""
    return int_argument("page", 1, minimum=1, maximum=MAX_PAGE)


def _item_filter(known_addressees: list[str], tags: list) -> tuple[ItemFilter, list[str]]:
    status = request.args.get("status") or None
    addressee = request.args.get("addressee") or None
    tag = request.args.get("tag") or None
    notices = []
    if status is not None and status not in {s.value for s in Status}:
        notices.append(
            _("There is no status called “%(value)s”; the status filter was ignored.", value=status)
        )
        status = None
    if addressee is not None and addressee not in known_addressees:
        notices.append(
            _("No paragraph is addressed to “%(name)s”; that filter was ignored.", name=addressee)
        )
        addressee = None
    if tag is not None and tag not in {t.slug for t in tags}:
        notices.append(_("There is no tag called “%(tag)s”; the tag filter was ignored.", tag=tag))
        tag = None
    query = (request.args.get("q") or "").strip() or None
    if query is not None and len(query) > SEARCH_MAX_LENGTH:
        abort(400, description=f"The search text is longer than {SEARCH_MAX_LENGTH} characters.")
    return ItemFilter(status=status, addressee=addressee, query=query, tag=tag), notices


@bp.get("/", defaults={"slug": None})
@bp.get("/texts/<slug>")
@public()
def dashboard(slug: str | None):
    session = get_session()
    texts = list_texts(session)
    if slug is None:
        wanted_slug = current_app.extensions["tracker_settings"].default_text
        text = get_text(session, wanted_slug) or (texts[0] if texts else None)
    else:
        text = get_text(session, slug)
        if text is None:
            abort(404)
    g.dashboard_slug, g.text_slug = slug, text.slug if text else None
    document_id = text.id if text else -1
    known_addressees = addressees(session, document_id=document_id)
    tags = all_tags(session)
    wanted, notices = _item_filter(known_addressees, tags)
    rows = dashboard_rows(session, wanted, document_id=document_id)
    today = clock.now().date()
    key = timeline_key(
        session, start=text.dated if text else today, today=today, document_id=document_id
    )
    chart = parts().rendered(
        ("status-chart", key, current_language()),
        lambda: _status_chart(timeline_for(session, key)),
    )
    return render_template(
        "public/dashboard.html",
        text=text,
        other_texts=[other for other in texts if text is None or other.id != text.id],
        rows=rows,
        wanted=wanted,
        counts=status_counts(session, document_id=document_id),
        context_total=context_count(session, document_id=document_id),
        rollups=rollups_by_parent(all_items(session, document_id=document_id)),
        item_tags=tags_by_item(session),
        tags=tags,
        addressees=known_addressees,
        statuses=STATUS_INFO,
        chart=chart,
        recent=latest_changes(session, limit=5),
        sources=all_source_statuses(session),
        source_labels=SOURCE_LABELS,
        notices=notices,
        matches=sum(1 for row in rows if not row.context),
    )


def _status_chart(timeline: list) -> str:
    """Render the status chart and its table (a part of the dashboard)."""
    bars, top = stacked_bars(timeline)
    return render_template(
        "public/_status_chart.html",
        chart={"bars": bars, "top": top, "width": WIDTH, "height": HEIGHT},
        timeline=timeline,
        statuses=STATUS_INFO,
    )


@bp.get("/items/<number>")
def legacy_item(number: str):
    """Send a link made before texts had slugs to Resolution 2616's paragraph, permanently."""
    return redirect(url_for("public.item_detail", slug=LEGACY_TEXT, number=number), 301)


@bp.get("/texts/<slug>/<number>")
@public()
def item_detail(slug: str, number: str):
    session = get_session()
    found = get_text_item(session, slug, number)
    if found is None:
        abort(404)
    text, item = found
    g.text_slug = slug
    page = page_argument()
    history = status_history(
        session, item.id, offset=(page - 1) * HISTORY_PER_PAGE, limit=HISTORY_PER_PAGE
    )
    children = child_items(session, item)
    return render_template(
        "public/item.html",
        text=text,
        item=item,
        parent=parent_item(session, item),
        children=children,
        rollup=rollup(children),
        tags=tags_by_item(session).get(item.id, []),
        treaties=item_treaties(session, item.id),
        treaty_label=treaty_label,
        history=history,
        history_total=status_history_length(session, item.id),
        page=page,
        per_page=HISTORY_PER_PAGE,
        other_events=item_events(session, item.id, excluding_kind="item_status_changed"),
        diff=cached_word_diff(item.draft_text, item.text) if item.draft_text else None,
        statuses=STATUS_INFO,
        documents=item_documents(session, item.id),
        **lineage_context(session, item),
    )


def _feed_filter() -> tuple[FeedFilter, str | None]:
    try:
        default_text = current_app.extensions["tracker_settings"].default_text
        return feed_filter_from(request.args, default_text=default_text), None
    except FeedFilterError as problem:
        return FeedFilter(), str(problem)


@bp.get("/changes")
@public()
def changes():
    session = get_session()
    page = page_argument()
    per_page = current_app.extensions["tracker_settings"].page_size
    wanted, problem = _feed_filter()
    try:
        events, total = feed_page(session, wanted, page=page, per_page=per_page)
    except FeedFilterError as missing:
        wanted, problem = FeedFilter(), str(missing)
        events, total = feed_page(session, wanted, page=page, per_page=per_page)
    if page > 1 and not events:
        abort(404)
    months = [
        (month, list(entries))
        for month, entries in groupby(events, key=lambda e: e.occurred_at.strftime("%B %Y"))
    ]
    return render_template(
        "public/changes.html",
        months=months,
        total=total,
        page=page,
        per_page=per_page,
        wanted=wanted,
        problem=problem,
        kinds=KIND_LABELS,
        tags=all_tags(session),
        treaties=all_treaties(session),
        treaty_label=treaty_label,
        texts=list_texts(session),
        items=all_items(session),
        text_slugs=text_slugs(session),
    ), (400 if problem else 200)


@bp.get("/changes.atom")
@public(cors=True)
def changes_atom():
    wanted, problem = _feed_filter()
    if problem:
        abort(400, problem)
    try:
        events = latest_changes(get_session(), wanted, limit=FEED_LENGTH)
    except FeedFilterError as missing:
        abort(400, str(missing))
    query = urlencode(wanted.arguments())
    suffix = f"?{query}" if query else ""
    return atom_response(
        events,
        title="Resolution 2616 (2025) follow-up: changes",
        path="/changes.atom" + suffix,
        page_url=links().base_url + "/changes" + suffix,
    )


@bp.get("/report", defaults={"slug": None})
@bp.get("/texts/<slug>/report")
def report(slug: str | None):
    session = get_session()
    text = get_text(session, slug or current_app.extensions["tracker_settings"].default_text)
    if text is None:
        abort(404)
    g.text_slug = text.slug
    return render_template(
        "public/report.html",
        text=text,
        rows=report_rows(session, document_id=text.id),
        counts=status_counts(session, document_id=text.id),
        context_total=context_count(session, document_id=text.id),
        statuses=STATUS_INFO,
        generated=clock.now(),
    )


@bp.get("/statuses")
@public()
def status_vocabulary():
    return render_template("public/statuses.html", statuses=STATUS_INFO)
