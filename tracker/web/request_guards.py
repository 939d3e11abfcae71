"""Guards every request passes before a view: no NUL anywhere, bounded numbers, own links.

Absolute links are built from TRACKER_BASE_URL, never from the request's Host header, and the
client address is stored only when it parses as an IP address.
"""

import ipaddress

from flask import Flask, abort, current_app, request, url_for
from werkzeug.routing import IntegerConverter, ValidationError

# The largest id the databases hold (PostgreSQL integer); anything above is no record.
MAX_ID = 2**31 - 1
MAX_PAGE = 1_000_000
NUL_MESSAGE = "The request contains a NUL character, which is never accepted."


class BoundedIdConverter(IntegerConverter):
    """``<int:…>`` in routes: ASCII digits only, at most the largest id the database holds."""

    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number


def int_argument(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """Return a query argument as a whole number in range, or answer 400 saying what is wanted."""
    raw = request.args.get(name)
    if raw is None:
        return default
    # str.isdigit() accepts "²" and "٣"; only ASCII digits are numbers here.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12) or not (
        minimum <= int(raw) <= maximum
    ):
        abort(400, description=f"{name} must be a whole number from {minimum} to {maximum}.")
    return int(raw)


def absolute_url(endpoint: str, **values) -> str:
    """Return an absolute URL on the configured base URL, whatever the request's Host says."""
    path = url_for(endpoint, **values)
    root = request.script_root if request else ""
    if root and path.startswith(root):
        path = path[len(root) :]
    return current_app.extensions["tracker_settings"].base_url + path


def client_address() -> str:
    """Return the client's IP address as text, or "unknown" if it is not one."""
    raw = request.remote_addr or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return "unknown"


def _holds_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in group) for key, group in values)


def _refuse_nul() -> None:
    # PostgreSQL text cannot hold NUL: refused here, before a view or the database sees it.
    if "\x00" in request.path:
        abort(400, description=NUL_MESSAGE)
    if _holds_nul(request.args.lists()):
        abort(400, description=NUL_MESSAGE)
    if request.method == "POST" and _holds_nul(request.form.lists()):
        abort(400, description=NUL_MESSAGE)


def init_app(app: Flask) -> None:
    """Install the bounded id converter (before any route) and the NUL guard."""
    app.url_map.converters["int"] = BoundedIdConverter
    app.before_request(_refuse_nul)
    app.jinja_env.globals["absolute_url"] = absolute_url
