"""The monitors' forms: a paragraph's status, its classification and its themes."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from tracker import clock
from tracker.db import begin_write, get_session
from tracker.items.classification import ClassificationError, set_item_role, set_item_tags
from tracker.items.queries import get_text_item
from tracker.items.status_changes import (
    Actor,
    StaleItemError,
    StatusChangeError,
    record_status_change,
)
from tracker.items.statuses import STATUS_INFO
from tracker.items.tags import all_tags, tags_by_item
from tracker.models import Item
from tracker.texts.lineage import LineageError, earlier_items, mark_successor
from tracker.texts.queries import LEGACY_TEXT
from tracker.web.forms import ClassifyForm, LineageForm, StatusChangeForm
from tracker.web.request_guards import MAX_ID
from tracker.web.security import csrf, login_required

bp = Blueprint("monitor", __name__)

EXPIRED = (
    "The form expired, so nothing was recorded. Your inputs are kept below: "
    "check them and submit again."
)
LOGGED_OUT = (
    "You were logged out, so nothing was recorded. Your inputs are kept below: log in again "
    "in another tab or window, then submit this form again."
)


def _render(item: Item, form: StatusChangeForm, *, status: int = 200, **context):
    # The current status is not offered: choosing it would record nothing.
    form.status.choices = [c for c in form.status.choices if c.value != item.status]
    return (
        render_template(
            "monitor/status_form.html", item=item, form=form, statuses=STATUS_INFO, **context
        ),
        status,
    )


def _expired(form) -> bool:
    """Return whether only the CSRF token failed (an old form), and give it a fresh one."""
    if "csrf_token" not in form.errors:
        return False
    # The field already holds a fresh token for the next submit.
    form.csrf_token.errors = []
    return True


@bp.url_defaults
def _current_text(endpoint: str, values: dict) -> None:
    """Fill in the slug of the item's text, so that the forms post back to the same item."""
    if endpoint.startswith("monitor.") and "slug" not in values:
        values["slug"] = g.get("text_slug") or LEGACY_TEXT


def _item(slug: str, number: str) -> Item:
    """Return the item of that text, or answer 404; remember the text for links."""
    found = get_text_item(get_session(), slug, number)
    if found is None:
        abort(404)
    g.text_slug = slug
    return found[1]


@bp.get("/items/<number>/status")
@login_required()
def legacy_status_form(number: str):
    """Keep the form's address from before texts had slugs."""
    return status_form(LEGACY_TEXT, number)


# A redirect would lose the POST; see change_status for the CSRF exemption.
@bp.post("/items/<number>/status")
@csrf.exempt
def legacy_change_status(number: str):
    """Accept a form posted to the address from before texts had slugs."""
    return change_status(LEGACY_TEXT, number)


@bp.get("/texts/<slug>/<number>/status")
@login_required()
def status_form(slug: str, number: str):
    item = _item(slug, number)
    form = StatusChangeForm(formdata=None)
    form.version.data = str(item.version)
    form.happened_on.data = clock.now().date()
    return _render(item, form)


# Exempt from the app-wide check, which would answer an expired form with an error page and
# lose the note: the form checks its own token and shows the inputs again instead.
@bp.post("/texts/<slug>/<number>/status")
@csrf.exempt
def change_status(slug: str, number: str):
    db = get_session()
    item = _item(slug, number)
    form = StatusChangeForm()
    valid = form.validate()
    expired = _expired(form)
    if g.user is None:
        return _render(item, form, status=401, error=LOGGED_OUT)
    if not valid:
        return _render(item, form, status=400, error=EXPIRED if expired else None)
    raw = form.version.data or ""
    if not (raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID):
        return _render(item, form, status=400, error="The form is damaged; reload the page.")
    expected_version = int(raw)
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
            happened_on=form.happened_on.data or clock.now().date(),
        )
    except StaleItemError as stale:
        db.rollback()
        # The next submit is made against what the monitor has now seen; the inputs stay.
        form.version.data = str(stale.item.version)
        return _render(stale.item, form, status=409, conflict=stale, error=str(stale))
    except StatusChangeError as invalid:
        db.rollback()
        return _render(item, form, status=400, error=str(invalid))
    db.commit()
    flash(
        _(
            "§%(number)s is now “%(status)s”.",
            number=item.number,
            status=_(STATUS_INFO[item.status].label),
        )
    )
    return redirect(url_for("public.item_detail", slug=slug, number=item.number))


def lineage_form(db, item: Item) -> LineageForm:
    """Return the form to mark an item as the successor of a paragraph of an earlier text."""
    form = LineageForm()
    form.predecessor.choices = [
        (str(r.item.id), f"{r.text.reference} §{r.item.number}: {r.item.text[:80]}")
        for r in earlier_items(db, item)
    ]
    return form


@bp.post("/texts/<slug>/<number>/lineage")
@login_required()
def mark_lineage(slug: str, number: str):
    db = get_session()
    item = _item(slug, number)
    form = lineage_form(db, item)
    if not form.validate():
        flash(_("Choose a paragraph of an earlier text."))
        return redirect(url_for("public.item_detail", slug=slug, number=number))
    begin_write(db)
    try:
        mark_successor(
            db,
            item,
            db.get(Item, int(form.predecessor.data)),
            actor=Actor.for_user(g.user),
            now=clock.now(),
        )
    except LineageError as refused:
        db.rollback()
        flash(str(refused))
        return redirect(url_for("public.item_detail", slug=slug, number=number))
    db.commit()
    flash(_("§%(number)s is now marked as continuing an earlier paragraph.", number=item.number))
    return redirect(url_for("public.item_detail", slug=slug, number=number))


@bp.route("/texts/<slug>/<number>/classify", methods=["GET", "POST"])
@login_required()
def classify(slug: str, number: str):
    db = get_session()
    item = _item(slug, number)
    form = ClassifyForm()
    form.tags.choices = [(tag.slug, tag.label) for tag in all_tags(db)]
    if not form.is_submitted():
        form.role.data = item.role
        form.tags.data = [tag.slug for tag in tags_by_item(db).get(item.id, [])]
    elif form.validate():
        begin_write(db)
        db.refresh(item)
        actor, now = Actor.for_user(g.user), clock.now()
        try:
            set_item_role(db, item, role=form.role.data, actor=actor, now=now)
            set_item_tags(db, item, slugs=form.tags.data or [], actor=actor, now=now)
        except ClassificationError as invalid:
            db.rollback()
            error = str(invalid)
            return render_template("monitor/classify.html", item=item, form=form, error=error), 400
        db.commit()
        flash(_("§%(number)s: classification and themes saved.", number=item.number))
        return redirect(url_for("public.item_detail", slug=slug, number=item.number))
    status = 400 if form.is_submitted() else 200
    return render_template("monitor/classify.html", item=item, form=form), status
