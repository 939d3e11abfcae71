"""Friendly error pages, and JSON errors under /api/."""

from flask import Blueprint, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.i18n import N_

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: (N_("Bad request"), N_("The request could not be understood.")),
    403: (N_("Not allowed"), N_("Your account is not allowed to do this.")),
    404: (N_("Page not found"), N_("There is no page at this address.")),
    405: (N_("Method not allowed"), N_("This address does not accept that kind of request.")),
    413: (N_("Too large"), N_("What you sent is larger than this site accepts.")),
    500: (N_("Something went wrong"), N_("The error was logged. Nothing you entered was saved.")),
}
# Headers of an HTTP error worth keeping on the friendly page (405 must say what is allowed).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _rollback() -> None:
    # A failed statement leaves PostgreSQL's transaction aborted: without this the error page
    # itself fails (PendingRollbackError) as soon as it reads the logged-in user's name.
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def _render(code: int, title: str, message: str, headers=None):
    _rollback()
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), code, headers or {}
    # Titles and messages are English msgids; a view's own description passes through as is.
    title, message = _(title), _(message)
    page = render_template("errors/error.html", code=code, title=title, message=message)
    return page, code, headers or {}


@bp.app_errorhandler(CSRFError)
def form_expired(error: CSRFError):
    return _render(
        400,
        N_("The form expired"),
        N_(
            "The form was open too long or came from elsewhere. Go back, reload the page and "
            "submit again; copy what you typed first."
        ),
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description))
    if error.description and error.description != type(error).description:
        message = error.description  # a view said exactly what was wrong
    headers = {k: v for k, v in error.get_headers() if k in KEPT_HEADERS}
    return _render(code, title, message, headers)


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled error on %s", request.path)
    title, message = MESSAGES[500]
    return _render(500, title, message)
