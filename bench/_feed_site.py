"""A site of many small RSS feeds with ETags, for bench/sources.py; prints its port, serves."""

import hashlib
import sys

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

ITEMS = 10


def feed(number: int) -> bytes:
    """Return feed ``number``: ten items, each with a guid, a link and a short description."""
    items = "".join(
        f"<item><guid>feed-{number}-item-{i}</guid><title>Feed {number} news {i}</title>"
        f"<link>http://news.example/{number}/{i}</link>"
        f"<pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate>"
        f"<description>Report {i} on the rule of law and detention.</description></item>"
        for i in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {number}</title><link>http://news.example/</link>"
        f"<description>Bench feed</description>{items}</channel></rss>"
    ).encode()


class Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """No access log: it would cost the site time in each request."""


def main() -> None:
    """Serve /feed/<n> and /robots.txt on 127.0.0.1; print the port on stdout."""
    feeds = {f"/feed/{n}": feed(n) for n in range(int(sys.argv[1]))}
    tags = {path: '"' + hashlib.sha256(body).hexdigest()[:16] + '"' for path, body in feeds.items()}

    def app(environ, start_response):
        request = Request(environ)
        if request.path == "/robots.txt":
            return Response("User-agent: *\nAllow: /\n")(environ, start_response)
        body = feeds.get(request.path)
        if body is None:
            return Response("not found", status=404)(environ, start_response)
        tag = tags[request.path]
        if request.headers.get("If-None-Match") == tag:
            return Response(status=304, headers={"ETag": tag})(environ, start_response)
        response = Response(body, content_type="application/rss+xml", headers={"ETag": tag})
        return response(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
