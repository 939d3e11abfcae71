"""CSRF protection, security headers, the logged-in user and role checks."""

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect

from tracker.db import get_session
from tracker.models import User

csrf = CSRFProtect()

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
    user = get_session().get(User, user_id)
    if user is None or not user.is_active:
        session.clear()
        return
    g.user = user


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if g.get("user") is not None:
        response.headers.setdefault("Cache-Control", "private, no-store")
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


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
