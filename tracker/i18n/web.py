"""The locale of a web request, the language switcher, and locale-aware formats in templates.

A request's language is, in order: the visitor's choice (the ``tracker_lang`` cookie, set by
``/language/<code>``), the best match of Accept-Language, English. Dates and numbers shown
follow it; ``<time datetime>`` attributes, the API, feeds and exports stay ISO.
"""

from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, redirect, request, url_for
from flask_babel import Babel, format_date, format_decimal, format_time, get_locale

from tracker.i18n import COOKIE, DEFAULT_LANGUAGE, FREQUENCY_LABELS, LANGUAGES, known_language
from tracker.items.statuses import status_label
from tracker.resources import TRANSLATIONS
from tracker.sources.catalogue import KINDS

bp = Blueprint("i18n", __name__)
COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """Return the language of the current request: the visitor's choice, else the browser's."""
    chosen = known_language(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the code of the language the current request is rendered in."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def _local_path(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the home page (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/"
    return target


@bp.get("/language/<code>")
def choose(code: str):
    """Remember the visitor's language in a cookie and go back to the page they were on."""
    language = known_language(code)
    if language is None or language != code:
        abort(404)
    response = redirect(_local_path(request.args.get("next")), code=303)
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def when(value: datetime | None) -> str:
    """Return a moment as the current locale writes a date and a 24-hour time (UTC)."""
    return f"{format_date(value, 'medium')}, {format_time(value, 'HH:mm')}"


def day(value: date | datetime) -> str:
    """Return a day in the current locale's long form ("5 décembre 2026")."""
    return format_date(value, "long")


def month(value: date | datetime) -> str:
    """Return a month and year as a heading in the current locale ("décembre 2026")."""
    return format_date(value, "LLLL y")


def number(value: int | float) -> str:
    """Return a number with the current locale's separators."""
    return format_decimal(value)


def _switcher_links() -> list[tuple[str, str, str]]:
    """Return (code, own name, URL) for each language, coming back to the current page."""
    here = request.full_path if request.query_string else request.path
    return [
        (code, name, url_for("i18n.choose", code=code, next=here))
        for code, name in LANGUAGES.items()
    ]


def init_app(app: Flask) -> None:
    """Install Flask-Babel with the catalogues, the switcher's route and the format filters."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    Babel(app, locale_selector=select_locale)
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.register_blueprint(bp)
    app.jinja_env.filters.update(when=when, day=day, month=month, number=number)
    app.jinja_env.globals.update(
        current_language=current_language,
        language_links=_switcher_links,
        format_decimal=format_decimal,
        frequency_labels=FREQUENCY_LABELS,
        source_kinds=KINDS,
        status_label=status_label,
    )
