"""The locale of a web request, the language switcher, and locale-aware formats in templates.

A request's language is, in order: the visitor's choice (the ``tracker_lang`` cookie, set by
``/language/<code>``), the best match of Accept-Language, English. Dates and numbers shown
follow it; ``<time datetime>`` attributes, the API, feeds and exports stay ISO.
"""

from datetime import date, datetime
from urllib.parse import urlencode, urlsplit

from babel import Locale, dates, numbers
from babel.support import Translations
from flask import Blueprint, Flask, abort, current_app, redirect, request, url_for
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context

from tracker.i18n import (
    COOKIE,
    DEFAULT_LANGUAGE,
    FORMAT_LOCALES,
    FREQUENCY_LABELS,
    LANGUAGES,
    known_language,
)
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


def _formats() -> Locale:
    return Locale.parse(FORMAT_LOCALES[current_language()])


def when(value: datetime) -> str:
    """Return a moment (stored in UTC) as the locale writes a date and a 24-hour time."""
    locale = _formats()
    return f"{dates.format_date(value, 'medium', locale=locale)}, {value:%H:%M}"


def day(value: date | datetime) -> str:
    """Return a day in the locale's long form ("5 December 2026", "5 décembre 2026")."""
    return dates.format_date(value, "long", locale=_formats())


def month(value: date | datetime) -> str:
    """Return a month and year as a heading in the locale ("décembre 2026")."""
    return dates.format_date(value, "LLLL y", locale=_formats())


def number(value: int | float, pattern: str | None = None) -> str:
    """Return a number with the locale's separators."""
    return numbers.format_decimal(value, pattern, locale=_formats())


def _switcher_links() -> list[tuple[str, str, str]]:
    """Return (code, own name, URL) for each language, coming back to the current page."""
    # Back to the same page and filters; a "next" of the page itself is not carried along.
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "next"]
    here = request.path + (f"?{urlencode(kept)}" if kept else "")
    return [
        (code, name, url_for("i18n.choose", code=code, next=here))
        for code, name in LANGUAGES.items()
    ]


#: The template context's name for the render's catalogue (macros imported "with context").
PAGE_CATALOGUE = "_page_catalogue"


def _catalogue(context: Context) -> Translations:
    # Outside a page's render (a macro imported without context) Flask-Babel looks it up.
    return context.get(PAGE_CATALOGUE) or get_translations()


@pass_context
def _page_gettext(context: Context, string: str) -> str:
    return _catalogue(context).ugettext(string)


@pass_context
def _page_ngettext(context: Context, singular: str, plural: str, number: int) -> str:
    return _catalogue(context).ungettext(singular, plural, number)


@pass_context
def _page_pgettext(context: Context, message_context: str, string: str) -> str:
    return _catalogue(context).upgettext(message_context, string)


@pass_context
def _page_npgettext(
    context: Context, message_context: str, singular: str, plural: str, number: int
) -> str:
    return _catalogue(context).unpgettext(message_context, singular, plural, number)


def init_app(app: Flask) -> None:
    """Install Flask-Babel with the catalogues, the switcher's route and the format filters."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    Babel(app, locale_selector=select_locale)
    # Flask-Babel's callables look up the request, its locale and the catalogue on every call,
    # hundreds of times a page: the catalogue is looked up once per render instead.
    app.context_processor(lambda: {PAGE_CATALOGUE: get_translations()})
    app.jinja_env.install_gettext_callables(
        gettext=_page_gettext,
        ngettext=_page_ngettext,
        pgettext=_page_pgettext,
        npgettext=_page_npgettext,
        newstyle=True,
    )
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.register_blueprint(bp)
    app.jinja_env.filters.update(when=when, day=day, month=month, number=number)
    app.jinja_env.globals.update(
        current_language=current_language,
        language_links=_switcher_links,
        format_decimal=number,
        frequency_labels=FREQUENCY_LABELS,
        source_kinds=KINDS,
        status_label=status_label,
    )
