"""Admins manage the watched feeds and pages: add, edit, pause, remove."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker import clock
from tracker.db import begin_write, get_session
from tracker.i18n import N_
from tracker.sources.catalogue import (
    KINDS,
    MIN_INTERVAL_MINUTES,
    SourceSettings,
    SourceSettingsError,
    get_source,
    remove_source,
    save_source,
    set_paused,
    sources_with_health,
)
from tracker.sources.cli import known_item_numbers
from tracker.web.forms import ConfirmForm, TrackerForm
from tracker.web.security import login_required

#: What each action did, as the confirmation says it.
DONE = {"remove": N_("removed"), "pause": N_("paused"), "resume": N_("resumed")}

bp = Blueprint("admin_sources", __name__, url_prefix="/admin/sources")


class SourceForm(TrackerForm):
    slug = StringField(
        "Short name (a-z, 0-9, hyphens)", validators=[DataRequired(), Length(max=30)]
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    url = StringField("URL (http:// or https://)", validators=[DataRequired(), Length(max=2000)])
    kind = SelectField("Kind", choices=[SelectChoice(k, label) for k, label in KINDS.items()])
    selector = StringField("CSS selector of one entry (listing pages only)",
                           validators=[Optional(), Length(max=500)])  # fmt: skip
    interval_minutes = IntegerField(
        "Check every (minutes)",
        default=360,
        validators=[
            InputRequired(),
            NumberRange(
                min=MIN_INTERVAL_MINUTES,
                max=60 * 24 * 31,
                message=f"The interval must be at least {MIN_INTERVAL_MINUTES} minutes "
                "and at most 31 days.",
            ),
        ],
    )
    item_numbers = StringField("Paragraphs it concerns (e.g. 9.2.1, 6)",
                               validators=[Optional(), Length(max=500)])  # fmt: skip
    keywords = TextAreaField(
        "Keywords (comma-separated)", validators=[Optional(), Length(max=2000)]
    )
    paused = BooleanField("Paused", default=True)
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])

    def settings(self) -> SourceSettings:
        """Return the form's values as source settings."""
        return SourceSettings(
            slug=self.slug.data or "", name=self.name.data or "", url=self.url.data or "",
            kind=self.kind.data, selector=self.selector.data,
            interval_minutes=self.interval_minutes.data, item_numbers=self.item_numbers.data,
            keywords=self.keywords.data, paused=self.paused.data, note=self.note.data,
        )  # fmt: skip


def _render_list(form: SourceForm, *, status: int = 200, error: str | None = None):
    rows = sources_with_health(get_session())
    page = render_template(
        "admin/sources.html", rows=rows, form=form, confirm=ConfirmForm(), error=error, kinds=KINDS
    )
    return page, status


@bp.get("")
@login_required(role="admin")
def sources():
    return _render_list(SourceForm())


@bp.post("")
@login_required(role="admin")
def add_source():
    form = SourceForm()
    if not form.validate_on_submit():
        return _render_list(form, status=400)
    session = get_session()
    begin_write(session)
    try:
        source = save_source(
            session, form.settings(), known_items=known_item_numbers(session), now=clock.now()
        )
    except SourceSettingsError as invalid:
        session.rollback()
        return _render_list(form, status=400, error=str(invalid))
    session.commit()
    if source.paused:
        flash(_("Added %(name)s (paused).", name=source.name))
    else:
        flash(_("Added %(name)s (active).", name=source.name))
    return redirect(url_for("admin_sources.sources"))


@bp.route("/<slug>", methods=["GET", "POST"])
@login_required(role="admin")
def edit_source(slug: str):
    session = get_session()
    source = get_source(session, slug)
    if source is None:
        abort(404)
    form = SourceForm(obj=source)
    if not form.is_submitted():
        form.item_numbers.data = ", ".join(source.item_numbers)
        form.keywords.data = ", ".join(source.keywords)
        return render_template("admin/source_edit.html", form=form, source=source, kinds=KINDS)
    error = None
    if form.validate():
        begin_write(session)
        try:
            save_source(session, form.settings(), known_items=known_item_numbers(session),
                        now=clock.now(), source=source)  # fmt: skip
        except SourceSettingsError as invalid:
            session.rollback()
            error = str(invalid)
        else:
            session.commit()
            flash(_("Saved %(name)s.", name=source.name))
            return redirect(url_for("admin_sources.sources"))
    page = render_template(
        "admin/source_edit.html", form=form, source=source, kinds=KINDS, error=error
    )
    return page, 400


@bp.post("/<slug>/<any(pause, resume, remove):action>")
@login_required(role="admin")
def change_source(slug: str, action: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    begin_write(session)
    source = get_source(session, slug)
    if source is None:
        abort(404)
    name = source.name
    try:
        if action == "remove":
            remove_source(session, source)
        else:
            set_paused(session, source, paused=action == "pause")
    except SourceSettingsError as refused:
        session.rollback()
        flash(str(refused))
        return redirect(url_for("admin_sources.sources"))
    session.commit()
    flash(_("%(name)s: %(done)s.", name=name, done=_(DONE[action])))
    return redirect(url_for("admin_sources.sources"))
