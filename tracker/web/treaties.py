"""Public pages of treaties, sources and evidence; the monitors' review decisions."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from tracker import clock
from tracker.db import begin_write, get_session
from tracker.items.reviews import ReviewError, confirm_review, dismiss_review, review_evidence_id
from tracker.items.status_changes import Actor
from tracker.items.statuses import STATUS_INFO
from tracker.models import Item, ItemReview, Treaty, TreatyStateChange
from tracker.sources.catalogue import sources_with_health
from tracker.sources.evidence import get_response, response_text, response_treaty
from tracker.sources.health import (
    SOURCE_LABELS,
    all_source_statuses,
    next_check_due,
    recent_job_runs,
)
from tracker.treaties.queries import (
    DATE_LABELS,
    ORIGIN_LABELS,
    all_treaties,
    dates_from_json,
    display_state,
    get_treaty,
    invitation_lapsed,
    open_reviews,
    polled_treaties,
    state_since,
    treaty_history,
    treaty_items,
    treaty_label,
)
from tracker.treaties.states import state_label
from tracker.web.caching import public
from tracker.web.forms import ReviewForm
from tracker.web.request_guards import absolute_url
from tracker.web.security import login_required

bp = Blueprint("treaties", __name__)

HELPERS = {
    "state_label": state_label,
    "treaty_label": treaty_label,
    "display_state": display_state,
    "state_since": state_since,
    "invitation_lapsed": invitation_lapsed,
    "date_labels": DATE_LABELS,
    "origin_labels": ORIGIN_LABELS,
    "dates_from_json": dates_from_json,
}


@bp.get("/treaties")
@public()
def treaty_list():
    today = clock.now().date()
    return render_template(
        "treaties/list.html", treaties=all_treaties(get_session()), today=today, **HELPERS
    )


@bp.get("/treaties/<slug>")
@public()
def treaty_detail(slug: str):
    session = get_session()
    treaty = get_treaty(session, slug)
    if treaty is None:
        abort(404)
    return render_template(
        "treaties/detail.html",
        treaty=treaty,
        items=treaty_items(session, treaty.id),
        history=treaty_history(session, treaty.id),
        today=clock.now().date(),
        statuses=STATUS_INFO,
        **HELPERS,
    )


@bp.get("/sources")
@public(job_runs=True)
def sources():
    session = get_session()
    interval = current_app.extensions["tracker_settings"].poll_interval_minutes
    rows = [(s, next_check_due(s, interval)) for s in all_source_statuses(session)]
    return render_template(
        "treaties/sources.html",
        rows=rows,
        labels=SOURCE_LABELS,
        instruments=polled_treaties(session),
        runs=recent_job_runs(session),
        interval=interval,
        watched=sources_with_health(session),
        **HELPERS,
    )


@bp.get("/evidence/<int:response_id>")
@public()
def evidence(response_id: int):
    session = get_session()
    response = get_response(session, response_id)
    if response is None:
        abort(404)
    return render_template(
        "treaties/evidence.html",
        response=response,
        treaty=response_treaty(session, response),
        text=response_text(response),
        treaty_label=treaty_label,
    )


@bp.get("/reviews")
@login_required()
def reviews():
    session = get_session()
    pending = []
    for review in open_reviews(session):
        # Side by side: the paragraph, the treaty change that flagged it, and its evidence.
        change = session.get(TreatyStateChange, review.treaty_change_id)
        treaty = session.get(Treaty, change.treaty_id) if change else None
        pending.append((review, session.get(Item, review.item_id), change, treaty))
    return render_template(
        "treaties/reviews.html",
        pending=pending,
        form=ReviewForm(),
        statuses=STATUS_INFO,
        **HELPERS,
    )


@bp.post("/reviews/<int:review_id>/<any(confirm, dismiss):decision>")
@login_required()
def decide_review(review_id: int, decision: str):
    session = get_session()
    form = ReviewForm()
    if not form.validate():
        flash(_("The form expired or is invalid; try again."))
        return redirect(url_for("treaties.reviews"))
    begin_write(session)
    # Locked on PostgreSQL: of two monitors deciding at once, the second sees the decision.
    review = session.get(ItemReview, review_id, with_for_update=True)
    if review is None:
        abort(404)
    actor, now = Actor.for_user(g.user), clock.now()
    try:
        if decision == "confirm":
            evidence_id = review_evidence_id(session, review)
            evidence_url = (
                absolute_url("treaties.evidence", response_id=evidence_id)
                if evidence_id
                else None
            )
            confirm_review(
                session,
                review,
                actor=actor,
                note=form.note.data or "",
                evidence_url=evidence_url,
                now=now,
            )
        else:
            dismiss_review(session, review, actor=actor, note=form.note.data or "", now=now)
    except ReviewError as exc:
        session.rollback()
        flash(str(exc))
        return redirect(url_for("treaties.reviews"))
    session.commit()
    item = session.get(Item, review.item_id)
    decision = _(review.resolution)
    flash(_("§%(number)s: suggestion %(decision)s.", number=item.number, decision=decision))
    return redirect(url_for("treaties.reviews"))
