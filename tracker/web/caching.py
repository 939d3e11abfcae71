"""HTTP caching of public responses: Cache-Control, an ETag from the data's state, early 304s.

A public response is stored by caches but revalidated on every use (``no-cache``): its weak ETag
hashes the event log's head (and the other marks of ``tracker.versions``), today's date, the
release and the request's variant, so a change anywhere changes it at once and an unchanged
page costs one small query and no rendering: a 304, or the body rendered for the same ETag
before (``tracker.web.response_cache``). A 304 or a page given here is noted in the environ,
so that ``tracker.web.revalidation`` may give the next one before Flask. Anything not declared
public is ``no-store``.
"""

import functools
import hashlib
from collections.abc import Callable
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Flask, current_app, g, make_response, request, session

from tracker import clock
from tracker.db import get_session
from tracker.i18n import COOKIE
from tracker.resources import STATIC, TEMPLATES, TRANSLATIONS
from tracker.versions import public_state
from tracker.web.response_cache import responses

PUBLIC = "public, no-cache"
PERSONAL = "private, no-store"
DEFAULT = "no-store"
#: Request headers a public response depends on (the pages may be translated).
VARY = ("Cookie", "Accept-Language")
#: The WSGI environ key under which a public view notes the ETag and kind of a 304 it gave.
ANSWERED_304 = "tracker.answered_304"
#: The same for a public page it rendered (or sent again) for that ETag.
ANSWERED_PAGE = "tracker.answered_page"


def _release() -> str:
    """Return what identifies the code and templates being served."""
    try:
        release = version("kz-resolution-tracker")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
        release = "unreleased"
    # A deploy that changes a template or the CSS changes every page without a version bump.
    roots = (TEMPLATES, STATIC, TRANSLATIONS)
    stamps = [path.stat().st_mtime_ns for root in roots for path in root.rglob("*")]
    return f"{release}:{max(stamps, default=0)}"


def _personal() -> bool:
    """Tell whether this response shows something only this visitor may see."""
    return g.get("user") is not None or bool(session.get("_flashes"))


def etag_for(
    *,
    release: str,
    state: tuple,
    today: date,
    path: str,
    arguments: list[tuple[str, str]],
    accept_language: str,
    language_cookie: str,
) -> str:
    """Return the ETag of a public response: the one function both ways of answering use."""
    variant = f"{path}?{arguments}|{accept_language}|{language_cookie}"
    parts = (release, state, today, variant)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def response_etag(*, job_runs: bool = False) -> str:
    """Return the ETag of the current request's public response in the current data state."""
    return etag_for(
        release=current_app.extensions["tracker_release"],
        state=public_state(get_session(), job_runs=job_runs),
        today=clock.now().date(),
        path=request.path,
        arguments=sorted(request.args.items(multi=True)),
        accept_language=request.headers.get("Accept-Language", ""),
        language_cookie=request.cookies.get(COOKIE, ""),
    )


def public(*, cors: bool = False, job_runs: bool = False) -> Callable:
    """Serve a view as a public, revalidated response with an ETag, 304 before rendering."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if _personal():
                response = make_response(view(*args, **kwargs))
                response.headers["Cache-Control"] = PERSONAL
                return response
            etag = response_etag(job_runs=job_runs)
            kept = responses(current_app).get(etag)
            if request.if_none_match.contains_weak(etag):
                response = current_app.response_class(status=304)
                # What tracker.web.revalidation needs to answer the next such request itself.
                request.environ[ANSWERED_304] = (etag, job_runs)
            elif kept is not None:
                response = kept.response(current_app.response_class)
                request.environ[ANSWERED_PAGE] = (etag, job_runs)
            else:
                response = make_response(view(*args, **kwargs))
                if response.status_code != 200:
                    return response
                if request.method == "GET" and not session.modified:
                    responses(current_app).put(etag, response)
                    request.environ[ANSWERED_PAGE] = (etag, job_runs)
            response.set_etag(etag, weak=True)
            response.headers["Cache-Control"] = PUBLIC
            response.vary.update(VARY)
            if cors:
                allow_any_origin(response)
            return response

        return wrapped

    return decorator


def allow_any_origin(response) -> None:
    """Let any web page read this response (GET only: nothing here changes state)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Link"


def _default_no_store(response):
    # A response that set a cookie or was not declared public must not be stored anywhere.
    if session.modified and response.headers.get("Cache-Control") == PUBLIC:
        response.headers["Cache-Control"] = PERSONAL
        del response.headers["ETag"]
    response.headers.setdefault("Cache-Control", DEFAULT)
    return response


def init_app(app: Flask) -> None:
    """Compute the release once and give every undeclared response ``no-store``."""
    app.extensions["tracker_release"] = _release()
    app.after_request(_default_no_store)
