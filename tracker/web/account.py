"""A monitor's own account: the public name and the password."""

from flask import Blueprint, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _

from tracker.db import get_session
from tracker.users import UserError, change_password, rename_user
from tracker.web.forms import DisplayNameForm, PasswordForm
from tracker.web.security import login_required, remember_generation

bp = Blueprint("account", __name__, url_prefix="/account")


def _render(name_form=None, password_form=None, *, status: int = 200, error: str | None = None):
    if name_form is None:
        name_form = DisplayNameForm(data={"display_name": g.user.display_name})
    page = render_template(
        "auth/account.html",
        name_form=name_form,
        password_form=password_form or PasswordForm(),
        error=error,
    )
    return page, status


@bp.get("")
@login_required()
def account():
    return _render()


@bp.post("/name")
@login_required()
def rename():
    form = DisplayNameForm()
    if not form.validate_on_submit():
        return _render(name_form=form, status=400)
    db = get_session()
    try:
        rename_user(db, g.user, form.display_name.data)
    except UserError as invalid:
        db.rollback()
        return _render(name_form=form, status=400, error=str(invalid))
    db.commit()
    flash(_("You are now shown as “%(name)s”.", name=g.user.display_name))
    return redirect(url_for("account.account"))


@bp.post("/password")
@login_required()
def password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return _render(password_form=form, status=400)
    db = get_session()
    try:
        change_password(db, g.user, current=form.current.data, new=form.new.data)
    except UserError as invalid:
        db.rollback()
        return _render(password_form=form, status=400, error=str(invalid))
    db.commit()
    # Every other session of this user ends; this one carries on with the new generation.
    remember_generation(session, g.user)
    flash(_("Your password is changed; you were logged out everywhere else."))
    return redirect(url_for("account.account"))
