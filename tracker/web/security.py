"""CSRF protection, security headers, the logged-in user and role checks."""

import functools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect

from tracker.db import get_session
from tracker.models import User
from tracker.web.request_guards import MAX_ID

csrf = CSRFProtect()

# Controls (a browser strips TAB/CR/LF from URLs), spaces and backslashes never make a local path.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f-\x9f\\]")

# Pages that show an address or act on one through a link: never kept by a shared cache.
PERSONAL_PATHS = ("/subscriptions/", "/unsubscribe/", "/account", "/admin", "/login")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    """Install CSRF protection, the user loader and the security headers."""
    csrf.init_app(app)
    app.before_request(_load_user)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"current_user": g.get("user")})


def _load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    if not isinstance(user_id, int) or not 0 < user_id <= MAX_ID:
        session.clear()
        return
    user = get_session().get(User, user_id)
    # A session from before a logout, a password change or disabling has an older generation.
    if user is None or not user.is_active or session.get("gen") != user.session_generation:
        session.clear()
        return
    g.user = user


def remember_generation(flask_session, user: User) -> None:
    """Tie a session to the user's current generation, so revoking ends it."""
    flask_session["user_id"] = user.id
    flask_session["gen"] = user.session_generation


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if g.get("user") is not None or request.path.startswith(PERSONAL_PATHS):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def login_required(role: str = "monitor") -> Callable:
    """Require a logged-in user; ``role="admin"`` also requires an admin."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if g.user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if role == "admin" and g.user.role != "admin":
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _local_path(target: str) -> bool:
    if _UNSAFE_IN_NEXT.search(target) or not target.isprintable():
        return False
    # Browsers drop tabs and newlines and read "\\" as "/" (both refused above): "/\t/evil" and
    # "/\\evil" would go off-site like "//evil".
    if not target.startswith("/") or target[1:2] == "/":
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None."""
    if not target or len(target) > 2000:
        return None
    # Checked as given and percent-decoded once: "/%09/evil" must not become "/\t/evil".
    if not _local_path(target) or not _local_path(unquote(target)):
        return None
    return target
