"""A fake Council of Europe Treaty Office (page shell and api/signatures) on 127.0.0.1."""

import hashlib
import json
import threading
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.fake_charts import (  # noqa: F401  (re-exported for the tests)
    CHALLENGE_HTML,
    DATE_KEYS,
    chart_row,
    page_shell_html,
    standard_chart,
)

PAGE_PATH = "/en/web/conventions/full-list"
API_PREFIX = "/WS_LFRConventions/"
SIGNATURES_PATH = API_PREFIX + "api/signatures"
DEFAULT_TOKEN = "hfghhgp2q5vgwg1hbn532kw71zgtww7e"
LAST_MODIFIED = "Wed, 01 Oct 2025 08:00:00 GMT"


@dataclass
class Scripted:
    """A response to give instead of the normal one."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    normal: bool = False  # give the normal response, after the delay
    chunk_size: int = 0  # stream the body in chunks of this size, with no Content-Length
    chunk_interval: float = 0.0
    endless: bool = False  # repeat the body's chunks until the client goes away


@dataclass
class SeenRequest:
    """A request the fake received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeTreatyOffice:
    """The fake's state, driven by tests while its server thread answers."""

    def __init__(self) -> None:
        self.base_url = ""
        self.token = DEFAULT_TOKEN
        self.refusal_status = 401
        self.charts: dict[int, list] = {}
        self.page_html: str | None = None
        self.page_status = 200
        self.page_headers: dict[str, str] = {}
        self.send_etag = False
        self.send_last_modified = False
        self.requests: list[SeenRequest] = []
        #: Requests being answered now, and the most at once so far.
        self.in_flight = self.max_in_flight = 0
        self._counts: Counter[str] = Counter()
        self._scripted: dict[str, deque[Scripted]] = defaultdict(deque)
        # Per treaty number: answers for the next requests, and a fault given every time.
        self._treaty_next: dict[int, deque[Scripted]] = defaultdict(deque)
        self.treaty_faults: dict[int, Scripted] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    @property
    def page_url(self) -> str:
        return self.base_url + PAGE_PATH

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    def set_chart(self, treaty_number: int, buckets: Any) -> None:
        """Serve ``buckets`` (any JSON value) as the treaty's chart."""
        self.charts[treaty_number] = buckets

    def set_page_shell(self, *, token: str | None = None, quote: str = '"') -> None:
        """Serve a page shell naming this fake's API and ``token`` (default: the accepted one)."""
        self.page_html = page_shell_html(self.api_url, token or self.token, quote=quote)
        self.page_status, self.page_headers = 200, {}

    def set_challenge_page(self, *, status: int = 403) -> None:
        """Serve a Cloudflare challenge instead of the page shell."""
        self.page_html = CHALLENGE_HTML
        self.page_status = status
        self.page_headers = {"cf-mitigated": "challenge"} if status != 200 else {}

    def fail_next(
        self, path: str, times: int, status: int, *, headers: dict | None = None, body: bytes = b""
    ) -> None:
        """Answer the next ``times`` requests to ``path`` with ``status``."""
        for _ in range(times):
            self.respond_next(path, body, status=status, headers=headers)

    def respond_next(
        self, path: str, body: bytes | str, *, status: int = 200, headers: dict | None = None
    ) -> None:
        """Answer the next request to ``path`` with an arbitrary body."""
        if isinstance(body, str):
            body = body.encode()
        with self._lock:
            self._scripted[path].append(Scripted(status, body, dict(headers or {})))

    def delay_next(self, path: str, seconds: float) -> None:
        """Give the normal answer to the next request to ``path`` after ``seconds``."""
        with self._lock:
            self._scripted[path].append(Scripted(delay=seconds, normal=True))

    def stream_next(
        self, path: str, body: bytes, *, chunk_size: int, interval: float = 0.0
    ) -> None:
        """Answer the next request to ``path`` with ``body`` in timed chunks, no Content-Length."""
        with self._lock:
            self._scripted[path].append(
                Scripted(200, body, chunk_size=chunk_size, chunk_interval=interval)
            )

    def fail_treaty(self, treaty_number: int, status: int = 500, *, body: bytes = b"") -> None:
        """Answer every request for the treaty's chart with ``status`` until ``heal_treaty``."""
        self.treaty_faults[treaty_number] = Scripted(status, body)

    def heal_treaty(self, treaty_number: int) -> None:
        """Answer the treaty's chart normally again."""
        self.treaty_faults.pop(treaty_number, None)

    def respond_next_for(
        self,
        treaty_number: int,
        body: bytes | str | Any,
        *,
        status: int = 200,
        headers: dict | None = None,
    ) -> None:
        """Answer the next request for one treaty's chart with a body (JSON if not text)."""
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        with self._lock:
            self._treaty_next[treaty_number].append(Scripted(status, body, dict(headers or {})))

    def stream_endless_for(
        self, treaty_number: int, *, chunk: bytes = b" " * 1024, interval: float = 0.0
    ) -> None:
        """Answer the next request for the treaty with a 200 body that never ends."""
        with self._lock:
            self._treaty_next[treaty_number].append(
                Scripted(200, chunk, chunk_size=len(chunk), chunk_interval=interval, endless=True)
            )

    def count(self, path: str) -> int:
        """Return how many requests ``path`` received."""
        with self._lock:
            return self._counts[path]

    def last_request(self, path: str) -> SeenRequest:
        """Return the last request to ``path``."""
        with self._lock:
            return [seen for seen in self.requests if seen.path == path][-1]

    def wsgi_app(self, environ: dict, start_response: Any) -> Any:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return self._answer(environ, start_response)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self._counts[request.path] += 1
            self.requests.append(
                SeenRequest(
                    request.path,
                    dict(request.args),
                    {key.lower(): value for key, value in request.headers.items()},
                )
            )
            queue = self._scripted.get(request.path)
            scripted = queue.popleft() if queue else None
            if scripted is None and request.path == SIGNATURES_PATH:
                scripted = self._treaty_script(request)
        if scripted is not None and scripted.delay:
            self.stopping.wait(scripted.delay)
        if scripted is not None and scripted.chunk_size:
            response = Response(self._chunks(scripted), scripted.status, scripted.headers)
        elif scripted is not None and not scripted.normal:
            response = Response(scripted.body, scripted.status, headers=scripted.headers)
        else:
            response = self._normal_response(request)
        return response(environ, start_response)

    def _treaty_script(self, request: Request) -> Scripted | None:
        number = request.args.get("numSTE", "")
        if not number.isdigit():
            return None
        queue = self._treaty_next.get(int(number))
        if queue:
            return queue.popleft()
        return self.treaty_faults.get(int(number))

    def _chunks(self, scripted: Scripted) -> Iterator[bytes]:
        body, size = scripted.body, scripted.chunk_size
        if scripted.endless:
            while not self.stopping.wait(scripted.chunk_interval):
                yield body
            return
        for start in range(0, len(body), size):
            if start and self.stopping.wait(scripted.chunk_interval):
                return
            yield body[start : start + size]

    def _normal_response(self, request: Request) -> Response:
        if request.path == PAGE_PATH and self.page_html is not None:
            return Response(
                self.page_html, self.page_status, self.page_headers, mimetype="text/html"
            )
        if request.path == SIGNATURES_PATH:
            return self._signatures(request)
        return Response("not found", 404)

    def _signatures(self, request: Request) -> Response:
        if request.headers.get("token") != self.token:
            return Response('{"Message":"Authorization has been denied"}', self.refusal_status)
        number = request.args.get("numSTE", "")
        if len(number) < 3 or not number.isdigit() or request.args.get("langue") != "ENG":
            return Response('{"Message":"bad request"}', 400)
        if int(number) not in self.charts:
            return Response("[[],[],[]]", 200, mimetype="application/json")
        body = json.dumps(self.charts[int(number)]).encode()
        headers = {}
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.send_etag:
            headers["ETag"] = etag
        if self.send_last_modified:
            headers["Last-Modified"] = LAST_MODIFIED
        if self._is_not_modified(request, etag):
            return Response(status=304, headers=headers)
        return Response(body, 200, headers, mimetype="application/json")

    def _is_not_modified(self, request: Request, etag: str) -> bool:
        if self.send_etag and "If-None-Match" in request.headers:
            return request.headers["If-None-Match"] == etag
        since = request.headers.get("If-Modified-Since")
        if self.send_last_modified and since:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(LAST_MODIFIED)
        return False


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def serve_fake_treaty_office() -> Iterator[FakeTreatyOffice]:
    """Run a fake Treaty Office on 127.0.0.1 on a free port until the block ends."""
    fake = FakeTreatyOffice()
    server = make_server(
        "127.0.0.1", 0, fake.wsgi_app, threaded=True, request_handler=_QuietHandler
    )
    fake.base_url = f"http://127.0.0.1:{server.server_port}"
    fake.set_page_shell()
    thread = threading.Thread(
        target=server.serve_forever, args=(0.02,), name="fake-treaty-office", daemon=True
    )
    thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
