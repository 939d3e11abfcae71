"""The status change form for monitors."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from tracker import clock
from tracker.db import begin_write, get_session
from tracker.items.queries import get_item
from tracker.items.status_changes import (
    Actor,
    StaleItemError,
    StatusChangeError,
    record_status_change,
)
from tracker.items.statuses import STATUS_INFO
from tracker.models import Item
from tracker.texts.queries import LEGACY_TEXT, get_text
from tracker.web.forms import StatusChangeForm
from tracker.web.security import login_required

bp = Blueprint("monitor", __name__)


def _render(item: Item, form: StatusChangeForm, *, status: int = 200, **context):
    return (
        render_template(
            "monitor/status_form.html", item=item, form=form, statuses=STATUS_INFO, **context
        ),
        status,
    )


@bp.url_defaults
def _current_text(endpoint: str, values: dict) -> None:
    """Fill in the slug of the item's text, so that the form posts back to the same item."""
    if endpoint == "monitor.change_status" and "slug" not in values:
        values["slug"] = g.get("text_slug") or LEGACY_TEXT


@bp.route("/items/<number>/status", methods=["GET", "POST"])
@login_required()
def legacy_change_status(number: str):
    """Keep the form's address from before texts had slugs (a redirect would lose a POST)."""
    return change_status(LEGACY_TEXT, number)


@bp.route("/texts/<slug>/<number>/status", methods=["GET", "POST"])
@login_required()
def change_status(slug: str, number: str):
    db = get_session()
    text = get_text(db, slug)
    item = get_item(db, number, document_id=text.id) if text else None
    if item is None:
        abort(404)
    g.text_slug = slug
    form = StatusChangeForm()
    if not form.is_submitted():
        form.version.data = str(item.version)
        form.status.data = item.status
        return _render(item, form)
    if not form.validate():
        return _render(item, form, status=400)
    try:
        expected_version = int(form.version.data)
    except ValueError:
        return _render(item, form, status=400, error="The form is damaged; reload the page.")
    begin_write(db)
    db.refresh(item)
    try:
        record_status_change(
            db,
            item,
            new_status=form.status.data,
            note=form.note.data,
            evidence_url=form.evidence_url.data,
            actor=Actor.for_user(g.user),
            expected_version=expected_version,
            now=clock.now(),
        )
    except StaleItemError as stale:
        db.rollback()
        # The next submit is made against what the monitor has now seen; the note stays.
        form.version.data = str(stale.item.version)
        return _render(stale.item, form, status=409, conflict=stale, error=str(stale))
    except StatusChangeError as invalid:
        db.rollback()
        return _render(item, form, status=400, error=str(invalid))
    db.commit()
    flash(f"§{item.number} is now “{STATUS_INFO[item.status].label}”.")
    return redirect(url_for("public.item_detail", slug=slug, number=item.number))
