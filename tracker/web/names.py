"""Who made a change, as the public sees it: the user's current display name, never an address."""

from flask import Flask, g

from tracker.db import get_session
from tracker.users import actor_name, display_names


def public_actor(row) -> str:
    """Return the public name behind an event, history row or review, read once per request."""
    if "display_names" not in g:
        g.display_names = display_names(get_session())
    return actor_name(row, g.display_names)


def init_app(app: Flask) -> None:
    """Make ``actor_name(row)`` available to every template."""
    app.jinja_env.globals["actor_name"] = public_actor
