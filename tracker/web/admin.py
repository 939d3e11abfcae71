"""The admin page: users who may change statuses."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlmodel import col, select

from tracker.db import get_session
from tracker.mail.outbox_reads import outbox_counts, outbox_page
from tracker.mail.suppression import lift_suppression, suppressed_subscribers
from tracker.models import Subscriber, User
from tracker.users import UserError, create_user, rename_user, set_active
from tracker.web.forms import AddUserForm, ConfirmForm, DisplayNameForm
from tracker.web.request_guards import MAX_ID, MAX_PAGE, int_argument
from tracker.web.security import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

OUTBOX_PER_PAGE = 50


def _render_users(form: AddUserForm, *, status: int = 200, error: str | None = None):
    users = get_session().exec(select(User).order_by(col(User.email))).all()
    return (
        render_template(
            "admin/users.html", users=users, form=form, confirm=ConfirmForm(), error=error
        ),
        status,
    )


@bp.get("/users")
@login_required(role="admin")
def users():
    return _render_users(AddUserForm())


@bp.post("/users")
@login_required(role="admin")
def add_user():
    form = AddUserForm()
    if not form.validate_on_submit():
        return _render_users(form, status=400)
    db = get_session()
    try:
        user = create_user(
            db,
            email=form.email.data,
            password=form.password.data,
            role=form.role.data,
            display_name=form.display_name.data or None,
        )
    except UserError as invalid:
        db.rollback()
        return _render_users(form, status=400, error=str(invalid))
    db.commit()
    flash(
        _(
            "Added %(email)s as %(role)s, shown as “%(name)s”.",
            email=user.email,
            role=_(user.role.title()),
            name=user.display_name,
        )
    )
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@login_required(role="admin")
def toggle_active(user_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    user = db.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404)
    if user.id == g.user.id:
        flash(_("You cannot disable your own account."))
        return redirect(url_for("admin.users"))
    set_active(db, user, active=not user.is_active)
    db.commit()
    if user.is_active:
        flash(_("%(email)s is now enabled.", email=user.email))
    else:
        flash(_("%(email)s is now disabled.", email=user.email))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/name")
@login_required(role="admin")
def rename(user_id: int):
    form = DisplayNameForm()
    db = get_session()
    user = db.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404)
    if not form.validate_on_submit():
        return _render_users(AddUserForm(), status=400, error="Enter a public name.")
    try:
        rename_user(db, user, form.display_name.data)
    except UserError as invalid:
        db.rollback()
        return _render_users(AddUserForm(), status=400, error=str(invalid))
    db.commit()
    flash(_("%(email)s is now shown as “%(name)s”.", email=user.email, name=user.display_name))
    return redirect(url_for("admin.users"))


@bp.get("/outbox")
@login_required(role="admin")
def outbox():
    state = request.args.get("state") or None
    if state not in (None, "pending", "sending", "sent", "failed"):
        abort(400)
    page = int_argument("page", 1, minimum=1, maximum=MAX_PAGE)
    db = get_session()
    return render_template(
        "admin/outbox.html",
        messages=outbox_page(db, state=state, page=page, per_page=OUTBOX_PER_PAGE),
        counts=outbox_counts(db),
        state=state,
        page=page,
        per_page=OUTBOX_PER_PAGE,
        suppressed=suppressed_subscribers(db),
        max_hard_failures=current_app.extensions["tracker_settings"].mail_max_hard_failures,
        confirm=ConfirmForm(),
    )


@bp.post("/outbox/suppressed/<int:subscriber_id>/lift")
@login_required(role="admin")
def lift(subscriber_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    subscriber = db.get(Subscriber, subscriber_id)
    if subscriber is None:
        abort(404)
    if subscriber.suppressed_at is not None:
        lift_suppression(db, subscriber)
        db.commit()
        email = subscriber.email
        message = _("%(email)s is mailed again, starting with the next change.", email=email)
        flash(message)
    return redirect(url_for("admin.outbox"))
