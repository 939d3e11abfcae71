"""Friendly error pages, and JSON errors under /api/."""

from flask import Blueprint, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your account is not allowed to do this."),
    404: ("Page not found", "There is no page at this address."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    500: ("Something went wrong", "The error was logged. Nothing you entered was saved."),
}


def _render(code: int, title: str, message: str):
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


@bp.app_errorhandler(CSRFError)
def form_expired(error: CSRFError):
    return _render(
        400,
        "The form expired",
        "The form was open too long or came from elsewhere. Go back, reload the page and "
        "submit again; copy what you typed first.",
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    title, message = MESSAGES.get(error.code or 500, (error.name, error.description))
    return _render(error.code or 500, title, message)


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    title, message = MESSAGES[500]
    return _render(500, title, message)
