"""Login and logout for monitors and admins."""

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from tracker import clock
from tracker.db import begin_write, get_session
from tracker.users import LoginThrottled, authenticate, revoke_sessions
from tracker.web.forms import ConfirmForm, LoginForm
from tracker.web.request_guards import client_address
from tracker.web.security import remember_generation, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form, next_url=next_url), status
    settings = current_app.extensions["tracker_settings"]
    db = get_session()
    begin_write(db)
    try:
        user = authenticate(
            db,
            email=form.email.data,
            password=form.password.data,
            remote_addr=client_address(),
            now=clock.now(),
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
        )
    except LoginThrottled as throttled:
        db.rollback()
        response = render_template(
            "auth/login.html", form=form, next_url=next_url, error=str(throttled)
        )
        retry = str(int(throttled.retry_after.total_seconds()) + 1)
        return response, 429, {"Retry-After": retry}
    db.commit()
    if user is None:
        error = "That email address and password do not match an active account."
        return render_template("auth/login.html", form=form, next_url=next_url, error=error), 401
    # A fresh session on login, so a session id planted before login is worthless after it.
    session.clear()
    remember_generation(session, user)
    session.permanent = True
    flash(_("Logged in as %(name)s.", name=user.display_name))
    return redirect(next_url or url_for("public.dashboard"))


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if form.validate_on_submit() and g.user is not None:
        # A copy of the cookie taken before logout must not keep working after it.
        db = get_session()
        revoke_sessions(db, g.user)
        db.commit()
        session.clear()
        flash(_("Logged out."))
    return redirect(url_for("public.dashboard"))
