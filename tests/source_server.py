"""A site on 127.0.0.1 serving feeds and pages whose answers a test changes between polls."""

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Route:
    """What one path answers: a status, headers and a body (or a streaming generator)."""

    body: bytes | Callable[[], Iterator[bytes]] = b""
    status: int = 200
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: bool = True  # answer 304 to a matching If-None-Match


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """Keep test output clean."""


class SourceSite:
    """Routes by path; counts requests; robots.txt allows everything unless set."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {
            "/robots.txt": Route(b"User-agent: *\nAllow: /\n", content_type="text/plain")
        }
        self.requests: Counter = Counter()
        self.conditional: Counter = Counter()
        self.user_agents: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self.server = make_server(host, 0, self.wsgi, threaded=True, request_handler=QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://{host}:{self.server.server_port}"

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on this site."""
        return self.base + path

    def set(self, path: str, body: bytes | Callable = b"", **options) -> str:
        """Serve ``body`` at ``path`` from now on; return its URL."""
        self.routes[path] = Route(body, **options)
        return self.url(path)

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests[request.path] += 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        route = self.routes.get(request.path)
        if route is None:
            return Response("not found", status=404)(environ, start_response)
        if route.delay:
            with self._lock:
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
            time.sleep(route.delay)
            with self._lock:
                self.in_flight -= 1
        headers = dict(route.headers)
        if callable(route.body):
            response = Response(
                route.body(),
                status=route.status,
                headers=headers,
                content_type=route.content_type,
                direct_passthrough=True,
            )
            return response(environ, start_response)
        if route.etag and route.status == 200:
            tag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            headers["ETag"] = tag
            if request.headers.get("If-None-Match") == tag:
                self.conditional[request.path] += 1
                return Response(status=304, headers=headers)(environ, start_response)
        response = Response(
            route.body, status=route.status, headers=headers, content_type=route.content_type
        )
        return response(environ, start_response)

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


def rss(*items: tuple[str, str, str, str], title: str = "News") -> bytes:
    """Return an RSS 2.0 feed of (guid, title, link, description) items."""
    parts = [
        f'<item><guid isPermaLink="false">{guid}</guid><title>{t}</title><link>{link}</link>'
        f"<pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate><description>{d}</description></item>"
        for guid, t, link, d in items
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link><description>x</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def atom(*entries: tuple[str, str, str, str, str]) -> bytes:
    """Return an Atom feed of (id, title, link, updated, summary) entries."""
    parts = [
        f'<entry><id>{i}</id><title>{t}</title><link href="{link}"/><updated>{u}</updated>'
        f"<summary>{s}</summary></entry>"
        for i, t, link, u, s in entries
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom news</title><id>urn:x</id><updated>2025-12-01T10:00:00Z</updated>"
        + "".join(parts)
        + "</feed>"
    ).encode()
