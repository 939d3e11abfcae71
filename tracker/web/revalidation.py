"""Public pages answered before Flask with what the app answered before: its 304, or the page.

The app answers a matching If-None-Match in ``tracker.web.caching.public`` only after opening
the session, loading the user, running every hook and closing the database session. For a
visitor without a session cookie asking for a page without a query string, none of that can
change the answer: its ETag is made of the data's marks, the date, the release, the path and
the language headers, all readable from the WSGI environ. So when the app answers such a request
304, this middleware keeps the app's answer (status and headers) under the app's ETag and learns
that the path is public (and whether its ETag follows the job runs). The next request for a known
path whose ETag, computed now from the current marks with the app's own ``etag_for``, matches its
If-None-Match and has a kept answer gets that answer without entering Flask. In the same way,
when the app sends such a request a public page (rendered, or sent again from
``tracker.web.response_cache``), the page as sent is kept under its ETag, and the next GET or
HEAD whose ETag computed now is the same gets it. Anything else (a
session cookie, a query string, an unknown path, marks that moved, an answer that set a cookie,
a database error) goes to the app. A request hook added to the app that can refuse or change a
public 304 (by host, address, header) must make ``asked`` send such requests to the app too.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import HTTP_STATUS_CODES, parse_cookie, parse_etags
from werkzeug.wsgi import get_path_info

from tracker import clock
from tracker.i18n import COOKIE
from tracker.versions import connection_state, standing_state
from tracker.web.caching import ANSWERED_304, ANSWERED_PAGE, etag_for
from tracker.web.response_cache import Kept, ResponseCache

#: Answers and paths kept per process; past this many, each is forgotten and learned again.
MAX_KEPT = 1024


@dataclass(frozen=True)
class Asked:
    """What a conditional GET's ETag depends on, read from the environ."""

    path: str
    accept_language: str
    language_cookie: str
    if_none_match: str


def asked(environ: dict, *, session_cookie: str) -> Asked | None:
    """Return what a request asks, or None if only the app can answer it."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if_none_match = environ.get("HTTP_IF_NONE_MATCH", "")
    # A query string is parsed, checked and ordered by the app; a session may hold a user or a
    # flashed message, which make the page personal.
    if environ.get("QUERY_STRING"):
        return None
    cookies = parse_cookie(environ["HTTP_COOKIE"]) if "HTTP_COOKIE" in environ else {}
    if session_cookie in cookies:
        return None
    return Asked(
        # As werkzeug's request.path reads it.
        path="/" + get_path_info(environ).lstrip("/"),
        accept_language=environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        language_cookie=cookies.get(COOKIE, ""),
        if_none_match=if_none_match,
    )


class Revalidator:
    """WSGI middleware: a kept 304 for a public page whose ETag still holds, else the app."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._job_runs: dict[str, bool] = {}  # public path -> whether its ETag follows job runs
        self._answers: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
        self._pages = ResponseCache()  # pages as sent, by ETag, bounded in bytes

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = asked(environ, session_cookie=self.app.config["SESSION_COOKIE_NAME"])
        if request is None:
            return self.wsgi_app(environ, start_response)
        job_runs = self._job_runs.get(request.path)
        etag = self.current_etag(request, job_runs=job_runs) if job_runs is not None else None
        if etag is not None:
            if parse_etags(request.if_none_match).contains_weak(etag):
                answer = self._answers.get(etag)
                if answer is not None:
                    start_response(answer[0], list(answer[1]))
                    return []
            elif (page := self._pages.get(etag)) is not None:
                start_response(_status_line(page.status), list(page.headers))
                return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]
        learned: list[tuple] = []

        def start_and_learn(status: str, headers: list, exc_info: Any = None) -> Callable:
            if exc_info is None and status.startswith("304 "):
                if (noted := environ.get(ANSWERED_304)) is not None:
                    self._learn(request, noted, status, headers)
            elif exc_info is None and status.startswith("200 "):
                noted = environ.get(ANSWERED_PAGE)
                if noted is not None and environ["REQUEST_METHOD"] == "GET":
                    learned.append((noted, status, headers))
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, start_and_learn)
        if not learned:
            return body
        try:
            chunks = list(body)  # a public page is a plain body: read it to keep it
        finally:
            if hasattr(body, "close"):
                body.close()
        self._learn_page(request, *learned[0], b"".join(chunks))
        return chunks

    def current_etag(self, request: Asked, *, job_runs: bool) -> str | None:
        """Return the ETag the app would give this request now (None if the marks are unread)."""
        try:
            state = self._state(job_runs=job_runs)
        except SQLAlchemyError:
            return None  # the app reports it
        return etag_for(
            release=self.app.extensions["tracker_release"],
            state=state,
            today=clock.now().date(),
            path=request.path,
            arguments=[],
            accept_language=request.accept_language,
            language_cookie=request.language_cookie,
        )

    def _state(self, *, job_runs: bool) -> tuple:
        engine = self.app.extensions["db_engine"]
        if engine.dialect.name == "sqlite":
            # A bare pooled connection: the marks it kept, if SQLite saw no commit since.
            pooled = engine.raw_connection()
            try:
                state = standing_state(pooled, job_runs=job_runs)
            finally:
                pooled.close()
            if state is not None:
                return state
        with engine.connect() as connection:
            return connection_state(connection, job_runs=job_runs)

    def _learn(self, request: Asked, noted: tuple[str, bool], status: str, headers: list) -> None:
        etag, job_runs = noted
        if not _clean(etag, headers):
            return
        for kept in (self._job_runs, self._answers):
            if len(kept) >= MAX_KEPT:
                kept.clear()
        self._job_runs[request.path] = job_runs
        self._answers[etag] = (status, tuple(headers))

    def _learn_page(
        self, request: Asked, noted: tuple[str, bool], status: str, headers: list, body: bytes
    ) -> None:
        etag, job_runs = noted
        declared = dict((name.lower(), value) for name, value in headers).get("content-length")
        if not _clean(etag, headers) or declared != str(len(body)):
            return
        if len(self._job_runs) >= MAX_KEPT:
            self._job_runs.clear()
        self._job_runs[request.path] = job_runs
        self._pages.keep(etag, Kept(int(status.split(" ", 1)[0]), tuple(headers), body))


def _clean(etag: str, headers: list) -> bool:
    """Tell whether an answer may be given again: it sets no cookie and carries its ETag."""
    names = {name.lower() for name, _ in headers}
    return "set-cookie" not in names and ("ETag", f'W/"{etag}"') in headers


def _status_line(status: int) -> str:
    return f"{status} {HTTP_STATUS_CODES.get(status, '')}".rstrip()


def init_app(app: Flask) -> None:
    """Put the middleware in front of the app (and of ProxyFix, which a 304 does not need)."""
    app.wsgi_app = Revalidator(app, app.wsgi_app)
